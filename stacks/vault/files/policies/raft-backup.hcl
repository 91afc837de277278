# The weekly Raft snapshot CronJob: it may take a snapshot and nothing else (SEC-031).
path "sys/storage/raft/snapshot" {
  capabilities = ["read"]
}
