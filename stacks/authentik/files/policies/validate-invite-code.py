PLACEHOLDER: bring the body of the `validate-invite-code` expression policy over from the Terraform repo
(heredoc of authentik_policy_expression in stacks/authentik/invite-flow.tf; see docs/migration.md).
What it does: validation policy of the invite-code prompt: matches the typed code to an open Invitation and stashes its target group on the new user.
Paste the Python exactly as upstream has it; the program strips surrounding whitespace.
