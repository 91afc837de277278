"""Platform (Tier 0): no resources, only the shared cluster facts as stack outputs.

Why this stack exists at all is in README.md.
"""

import pulumi

from components.settings import ClusterSettings

POSTGRESQL_PORT = 5432
MYSQL_PORT = 3306
SMTP_PORT = 587  # submission with STARTTLS on the mail host

settings = ClusterSettings.load()

pulumi.export("tls_secret_name", settings.tls_secret_name)
pulumi.export("redis_host", settings.redis_host)
pulumi.export("postgresql_host", settings.postgresql_host)
pulumi.export("postgresql_port", POSTGRESQL_PORT)
pulumi.export("mysql_host", settings.mysql_host)
pulumi.export("mysql_port", MYSQL_PORT)
pulumi.export("smtp_host", settings.mail_host)
pulumi.export("smtp_port", SMTP_PORT)
