# tripit asks for voices by bare stem ("Emily") and the server looks the name up as a
# literal file name, so give every bundled voice an extension-less copy on the claim.
set -eu
mkdir -p /data/reference_audio
for voice in /app/voices/*.wav /app/voices/*.mp3; do
  [ -e "$voice" ] || continue
  stem="$(basename "$voice")"
  stem="${stem%.*}"
  [ -e "/data/reference_audio/$stem" ] || cp "$voice" "/data/reference_audio/$stem"
done
echo "reference_audio now holds:"
ls /data/reference_audio
