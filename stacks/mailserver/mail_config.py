"""Postfix account and alias maps of docker-mailserver, rendered from Vault values.

Kept apart from the program so the rules are tested on their own: an alias line that maps
one real mailbox onto another different one makes docker-mailserver write two passwd-file
entries for the source address (Dovecot then logs "exists more than once" on every login),
so such lines are dropped; forwards to outside addresses and to self stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import bcrypt

# Terraform's bcrypt(): the `$2a$` form, here at cost 6 as upstream asked for.
BCRYPT_COST = 6


def postfix_virtual(vault_aliases: str, file_aliases: str, accounts: Iterable[str]) -> str:
    """postfix-virtual.cf: the Vault aliases followed directly by the file's (no separator
    added, as upstream), minus the mailbox-to-other-mailbox lines."""
    mailboxes = set(accounts)
    kept = []
    for line in (vault_aliases + file_aliases).split("\n"):
        parts = line.split(" ")
        if len(parts) == 2 and parts[0] in mailboxes and parts[1] in mailboxes and parts[0] != parts[1]:
            continue
        kept.append(line)
    return "\n".join(kept)


def postfix_accounts(accounts: Mapping[str, str]) -> str:
    """postfix-accounts.cf: `<address>|<bcrypt hash>` per mailbox, addresses in sorted order.
    A fresh salt every run: the ConfigMap ignores this key (README: password rotation)."""
    return "\n".join(
        f"{user}|{bcrypt.hashpw(accounts[user].encode(), bcrypt.gensalt(rounds=BCRYPT_COST, prefix=b'2a')).decode()}"
        for user in sorted(accounts))
