# The GraphQL server would bind IPv6 only (Node's default); make it listen on 0.0.0.0.
sed -i 's|app.listen(9002)|app.listen(9002,"0.0.0.0")|g' /app/graphql-server/dist/main.js
pm2-runtime /app/process.yml &
SERVER=$!
# Once GraphQL answers, register the Dolt connection so the UI opens on the beads database.
(
  for attempt in $(seq 1 30); do
    if node -e "fetch('http://127.0.0.1:9002/graphql',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({query:'{storedConnections{name}}'})}).then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))" 2>/dev/null; then
      node -e "fetch('http://127.0.0.1:9002/graphql',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({query:'mutation{addDatabaseConnection(connectionUrl:\"mysql://beads@dolt.beads-server.svc.cluster.local:3306/code\",name:\"beads\",hideDoltFeatures:false,useSSL:false,type:Mysql){currentDatabase}}'})}).then(r=>r.text()).then(t=>{console.log('connection added:',t);process.exit(0)}).catch(e=>{console.error(e);process.exit(1)})" 2>&1
      break
    fi
    sleep 1
  done
) &
wait $SERVER
