# Builds the Greater London foot and bicycle graphs that osrm-routed serves from /data.
# Each profile is prepared beside the live one and swapped in only when complete, so a
# refresh never leaves a half-written graph under a serving pod (which reads it at start).
# The osrm-backend image has /bin/sh and wget only: no bash, no pipefail, no curl.
set -eu
EXTRACT=greater-london-latest
URL="https://download.geofabrik.de/europe/united-kingdom/england/$EXTRACT.osm.pbf"
cd /data

echo "fetching $URL"
rm -f "$EXTRACT.osm.pbf.tmp"
wget -q -O "$EXTRACT.osm.pbf.tmp" "$URL"
mv "$EXTRACT.osm.pbf.tmp" "$EXTRACT.osm.pbf"

build() {
  profile="$1"
  staging="$profile.new"
  echo "building $profile"
  rm -rf "$staging"
  mkdir -p "$staging"
  cp "$EXTRACT.osm.pbf" "$staging/"
  osrm-extract -p "/opt/$profile.lua" "$staging/$EXTRACT.osm.pbf"
  osrm-partition "$staging/$EXTRACT.osrm"
  osrm-customize "$staging/$EXTRACT.osrm"
  rm -f "$staging/$EXTRACT.osm.pbf"
  # Swap: the previous graph survives only until the new one is in place.
  rm -rf "$profile.old"
  if [ -d "$profile" ]; then mv "$profile" "$profile.old"; fi
  mv "$staging" "$profile"
  rm -rf "$profile.old"
  echo "$profile ready"
}

for profile in foot bicycle; do
  build "$profile"
done
ls -la /data/foot /data/bicycle
