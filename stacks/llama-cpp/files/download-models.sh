PLACEHOLDER: the model-download script of the llama-cpp `download-models` Job.
Bring it over from the Terraform repo (`make bring-over FROM=<checkout>`): the Job's pod
template is immutable, so the script must be byte-identical to the live one or the first
`pulumi up` replaces (and re-runs) the Job.
