#!/usr/bin/env bash
# Trust, by curl, against a running host (README, "Conversations", "Reviews", "Your data"): an SME and a startup talk
# about a need, the engagement completes (bank transfer), they review each other, the reviews appear together and
# the startup climbs in matching; then the startup exports its data and erases its account.
#   JAZARI_DATA_DIR=/tmp/jz ./run.sh --urls http://127.0.0.1:5123 &   then   B=http://127.0.0.1:5123 JAZARI_DATA_DIR=/tmp/jz docs/trust-walkthrough.sh
# Needs curl and jq.
set -euo pipefail
B=${B:-http://127.0.0.1:5123}
DATA=${JAZARI_DATA_DIR:-.data}
J='Content-Type: application/json'
A="Authorization: Bearer $(cat "$DATA/admin-token")"
run=$(date +%s%N | tail -c 9)

code_of() { local file; file=$(grep -l "\"to\": *\"$1\"" "$DATA"/outbox/*.json | xargs ls -t | head -1); jq -r '.text' "$file" | grep -oE '\b[0-9]{6}\b' | head -1; }
person() { # role email → bearer header
  curl -sf -X POST "$B/api/auth/sign-up" -H "$J" -d "{\"email\":\"$2\",\"role\":\"$1\",\"displayName\":\"$1 $run\",\"language\":\"fr\"}" >/dev/null
  sleep 1
  echo "Authorization: Bearer $(curl -sf -X POST "$B/api/auth/verify" -H "$J" -d "{\"email\":\"$2\",\"code\":\"$(code_of "$2")\"}" | jq -r .token)"
}
show() { echo "== $1"; jq -c "${2:-.}"; }
need() { # sme title → need id (published)
  local id; id=$(curl -sf -X POST "$B/api/needs" -H "$1" -H "$J" -d "{\"title\":\"$2\",\"description\":\"Une boutique en ligne WooCommerce avec paiement et livraison au Maroc.\",\"category\":\"ecommerce\",\"skills\":[\"woocommerce\"],\"budgetMinMad\":15000,\"budgetMaxMad\":40000,\"deadline\":\"$(date -u -d '+90 days' +%F)\",\"region\":\"Fes-Meknes\",\"remoteOk\":true,\"language\":\"fr\"}" | jq -r .id)
  curl -sf -X POST "$B/api/needs/$id/publish" -H "$1" >/dev/null; echo "$id"
}
rank() { # need → the rank and score of our startup and of its twin (same offer, no reviews)
  curl -sf "$B/api/needs/$1/matches?top=50" -H "$A" | jq -c --arg s "$STARTUP_ID" --arg t "$TWIN_ID" \
    '[.matches | to_entries[] | select(.value.startupId == $s or .value.startupId == $t) | {name: .value.name, rank: (.key + 1), score: .value.score}]'
}

STARTUP_EMAIL="startup-$run@example.ma"
TWIN=$(person startup "twin-$run@example.ma")
TWIN_ID=$(curl -sf -X POST "$B/api/startups" -H "$TWIN" -H "$J" -d '{"name":"Souk Digital","city":"Rabat","region":"Rabat-Sale-Kenitra","categories":["ecommerce"],"skills":["woocommerce"],"description":"Boutiques en ligne WooCommerce pour PME.","languages":["fr"],"priceMinMad":10000,"priceMaxMad":80000,"regionsServed":["*"],"capacity":3}' | jq -r .id)
SME=$(person sme "sme-$run@example.ma"); STARTUP=$(person startup "$STARTUP_EMAIL")
curl -sf -X POST "$B/api/smes" -H "$SME" -H "$J" -d '{"name":"Huilerie Zerhoun","sector":"food","city":"Meknes","region":"Fes-Meknes","employees":22,"languages":["fr","ar"]}' >/dev/null
STARTUP_ID=$(curl -sf -X POST "$B/api/startups" -H "$STARTUP" -H "$J" -d '{"name":"Web Atlas","city":"Rabat","region":"Rabat-Sale-Kenitra","categories":["ecommerce"],"skills":["woocommerce"],"description":"Boutiques en ligne WooCommerce pour PME.","languages":["fr"],"priceMinMad":10000,"priceMaxMad":80000,"regionsServed":["*"],"capacity":3}' | jq -r .id)
NEED=$(need "$SME" "Vendre notre huile en ligne")

THREAD=$(curl -sf -X POST "$B/api/needs/$NEED/conversations" -H "$STARTUP" -H "$J" -d '{"text":"Bonjour, avez-vous déjà un nom de domaine ?"}' | jq -r .id)
curl -sf "$B/api/conversations" -H "$SME" | show "SME inbox" '{unread, conversations: [.conversations[] | {counterpartName, unread}]}'
curl -sf -X POST "$B/api/conversations/$THREAD/messages" -H "$SME" -H "$J" -d '{"text":"Oui, huilerie-zerhoun.ma.","links":["https://huilerie-zerhoun.ma"]}' >/dev/null
curl -sf "$B/api/conversations/$THREAD" -H "$STARTUP" | show "thread" '[.messages[] | {author, text}]'

BID=$(curl -sf -X POST "$B/api/needs/$NEED/bids" -H "$STARTUP" -H "$J" -d '{"priceMad":30000,"durationDays":60,"proposal":"Boutique WooCommerce avec paiement et formation.","milestones":[{"title":"Boutique en ligne","amountMad":30000,"dueInDays":60}]}' | jq -r .id)
curl -sf -X POST "$B/api/needs/$NEED/bids/$BID/accept" -H "$SME" >/dev/null
FUND=$(curl -sf -X POST "$B/api/needs/$NEED/milestones/0/fund" -H "$SME" -H "$J" -d '{"method":"bank-transfer"}')
curl -sf -X POST "$B/api/admin/payments/$(echo "$FUND" | jq -r .reference)/confirm" -H "$A" -H "$J" -d "{\"amountMinor\":$(echo "$FUND" | jq .amountMinor),\"bankReference\":\"BOA-$run\"}" >/dev/null
curl -sf -X POST "$B/api/needs/$NEED/milestones/0/deliver" -H "$STARTUP" -H "$J" -d '{"note":"En ligne.","links":["https://huilerie-zerhoun.ma"]}' >/dev/null
curl -sf -X POST "$B/api/needs/$NEED/milestones/0/approve" -H "$SME" >/dev/null
curl -sf "$B/api/needs/$NEED" -H "$SME" | show "need" '{status}'

PROBE=$(need "$SME" "Boutique en ligne pour nos savons")
echo "== for a similar need, before the reviews: $(rank "$PROBE")"
curl -sf -X POST "$B/api/needs/$NEED/reviews" -H "$SME" -H "$J" -d '{"quality":5,"timeliness":5,"communication":5,"comment":"Travail soigné, dans les délais."}' >/dev/null
curl -sf "$B/api/needs/$NEED/reviews" -H "$STARTUP" | show "the startup sees, before writing its own" '{revealedAt, reviews: [.reviews[] | {author, comment}]}'
curl -sf -X POST "$B/api/needs/$NEED/reviews" -H "$STARTUP" -H "$J" -d '{"quality":5,"timeliness":4,"communication":5,"comment":"Client clair et réactif."}' >/dev/null
curl -sf "$B/api/needs/$NEED/reviews" -H "$SME" | show "both revealed together" '{revealedAt, reviews: [.reviews[] | {author, comment}]}'
curl -sf "$B/api/startups/$STARTUP_ID/reviews" -H "$SME" | show "public reviews of the startup" '.'
echo "== for the same need, after the reviews: $(rank "$PROBE")"

curl -sf "$B/api/me/export" -H "$STARTUP" | show "export" '{account: .account.email, profile: .profile.name, needs: (.needs | length), conversations: [.conversations[] | .messages | length]}'
curl -sf -o /dev/null -w "== erase: %{http_code}\n" -X POST "$B/api/me/erase" -H "$STARTUP" -H "$J" -d "{\"confirm\":\"$STARTUP_EMAIL\"}"
curl -s -o /dev/null -w "== the erased account's token: %{http_code}\n" "$B/api/auth/me" -H "$STARTUP"
curl -sf "$B/api/startups/$STARTUP_ID" -H "$SME" | show "the startup now" '{name, description}'
curl -sf "$B/api/conversations/$THREAD" -H "$SME" | show "the thread now" '{startupName, messages: [.messages[] | {author, text, removed}]}'
curl -sf "$B/api/needs/$NEED/ledger" -H "$A" | jq -e '[.entries[] | ([.lines[].amountMinor] | add) == 0] | all' >/dev/null && echo "== the ledger still balances"
