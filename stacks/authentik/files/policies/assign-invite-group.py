PLACEHOLDER: bring the body of the `assign-invite-group` expression policy over from the Terraform repo
(heredoc of authentik_policy_expression in stacks/authentik/invite-flow.tf; see docs/migration.md).
What it does: on the enrollment login stage: adds the new user to the invite's target group, renames guest- usernames, consumes single-use invites.
Paste the Python exactly as upstream has it; the program strips surrounding whitespace.
