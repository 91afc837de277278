PLACEHOLDER: bring the body of the `validate-proxy-invite` expression policy over from the Terraform repo
(heredoc of authentik_policy_expression in stacks/authentik/google-social-signup.tf; see docs/migration.md).
What it does: the former cache-bridge gate of google-proxy-enrollment (stamps proxy_only + username, posts to Slack); unbound upstream, kept until its cleanup.
Paste the Python exactly as upstream has it; the program strips surrounding whitespace.
