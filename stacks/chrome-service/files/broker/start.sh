PLACEHOLDER: the chrome-broker container's start script (the `args` heredoc of kubernetes_deployment.broker: pip-installs patchright, then runs broker.py).
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`); it is the broker pod template's args, so a byte-exact copy keeps adoption from rolling the broker.
