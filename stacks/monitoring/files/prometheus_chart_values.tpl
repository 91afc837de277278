PLACEHOLDER: the Prometheus chart values template of stacks/monitoring
(modules/monitoring/prometheus_chart_values.tpl in the Terraform stack: about 273 kB, 4,945 lines of
server/Alertmanager/Pushgateway settings, alerting rules and scrape configs, rendered with five variables).
Bring it over with `make bring-over FROM=<Terraform checkout>` before a real `pulumi up`.
