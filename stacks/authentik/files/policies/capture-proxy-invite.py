PLACEHOLDER: bring the body of the `capture-proxy-invite` expression policy over from the Terraform repo
(heredoc of authentik_policy_expression in stacks/authentik/google-social-signup.tf; see docs/migration.md).
What it does: records, on the invitation-enrollment flow, that this browser session opened a valid proxy invite (Django cache keyed by session, 900 s).
Paste the Python exactly as upstream has it; the program strips surrounding whitespace.
