# Runs before the workbench: give it a writable connection store and a copy of the web
# bundle whose GraphQL endpoint is the same-origin /graphql (the image hard-codes
# localhost:9002, which a browser cannot reach).
cp /config/store.json /store/store.json
cp -r /app/web/.next/static/* /static/
for bundle in /static/chunks/pages/_app-*.js; do
  sed -i 's|http://localhost:9002/graphql|/graphql|g' "$bundle"
done
echo "store seeded, GraphQL URL rewritten"
