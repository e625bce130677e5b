#!/usr/bin/env bash
# A whole engagement paid by bank transfer, by curl, against a running host (README, "Engagements and payments"):
#   JAZARI_DATA_DIR=/tmp/jz ./run.sh --urls http://127.0.0.1:5123 &   then   B=http://127.0.0.1:5123 JAZARI_DATA_DIR=/tmp/jz docs/payments-walkthrough.sh
# Needs curl and jq. Prints each answer; checks that the ledger's entries each sum to zero and the escrow ends empty.
set -euo pipefail
B=${B:-http://127.0.0.1:5123}
DATA=${JAZARI_DATA_DIR:-.data}
J='Content-Type: application/json'
A="Authorization: Bearer $(cat "$DATA/admin-token")"
run=$(date +%s%N | tail -c 9)

code_of() { # the newest sign-in code e-mailed to $1
  local file; file=$(grep -l "\"to\": *\"$1\"" "$DATA"/outbox/*.json | xargs ls -t | head -1)
  jq -r '.text' "$file" | grep -oE '\b[0-9]{6}\b' | head -1
}
person() { # role email → bearer header
  curl -sf -X POST "$B/api/auth/sign-up" -H "$J" -d "{\"email\":\"$2\",\"role\":\"$1\",\"displayName\":\"$1 $run\",\"language\":\"fr\"}" >/dev/null
  sleep 1
  echo "Authorization: Bearer $(curl -sf -X POST "$B/api/auth/verify" -H "$J" -d "{\"email\":\"$2\",\"code\":\"$(code_of "$2")\"}" | jq -r .token)"
}
show() { echo "== $1"; jq -c "${2:-.}"; }
ledger_ok() {
  curl -sf "$B/api/needs/$NEED/ledger" -H "$A" | jq -e '[.entries[] | ([.lines[].amountMinor] | add) == 0] | all' >/dev/null || { echo "UNBALANCED LEDGER"; exit 1; }
}

curl -sf -X POST "$B/api/admin/programmes" -H "$A" -H "$J" -d "{\"id\":\"maroc-pme-$run\",\"name\":\"Maroc PME digital\",\"subsidyPercent\":30,\"capPerSmeMinor\":5000000,\"budgetMinor\":100000000,\"currency\":\"MAD\"}" | show programme
SME=$(person sme "sme-$run@example.ma"); STARTUP=$(person startup "startup-$run@example.ma")
curl -sf -X POST "$B/api/smes" -H "$SME" -H "$J" -d '{"name":"Huilerie Zerhoun","sector":"food","city":"Meknes","region":"Fes-Meknes","employees":22,"languages":["fr","ar"]}' >/dev/null
# the SME applies to the programme and an admin approves it: only then may its needs name the programme
APP=$(curl -sf -X POST "$B/api/programmes/maroc-pme-$run/applications" -H "$SME" -H "$J" -d '{"note":"Vendre notre huile en ligne."}' | jq -r .id)
curl -sf -X POST "$B/api/programmes/maroc-pme-$run/applications/$APP/decision" -H "$A" -H "$J" -d '{"approve":true,"reason":"Dossier complet."}' | show approved '{status}'
STARTUP_ID=$(curl -sf -X POST "$B/api/startups" -H "$STARTUP" -H "$J" -d '{"name":"Web Atlas","city":"Rabat","region":"Rabat-Sale-Kenitra","categories":["ecommerce"],"skills":["woocommerce"],"description":"Boutiques en ligne pour PME.","languages":["fr"],"priceMinMad":10000,"priceMaxMad":80000,"regionsServed":["*"],"capacity":3}' | jq -r .id)
NEED=$(curl -sf -X POST "$B/api/needs" -H "$SME" -H "$J" -d "{\"title\":\"Vendre notre huile en ligne\",\"description\":\"Une petite boutique en ligne avec paiement et livraison au Maroc.\",\"category\":\"ecommerce\",\"skills\":[\"woocommerce\"],\"budgetMinMad\":15000,\"budgetMaxMad\":40000,\"deadline\":\"$(date -u -d '+90 days' +%F)\",\"region\":\"Fes-Meknes\",\"remoteOk\":true,\"language\":\"fr\",\"programmeId\":\"maroc-pme-$run\"}" | jq -r .id)
curl -sf -X PUT "$B/api/startups/$STARTUP_ID/payout-details" -H "$STARTUP" -H "$J" -d '{"holder":"Web Atlas SARL","rib":"007 780 0001234567890123 96"}' | show rib '{holder, ribMasked, bank}'
curl -sf -X POST "$B/api/needs/$NEED/publish" -H "$SME" >/dev/null
BID=$(curl -sf -X POST "$B/api/needs/$NEED/bids" -H "$STARTUP" -H "$J" -d '{"priceMad":30000,"durationDays":60,"proposal":"Boutique WooCommerce avec paiement CMI et formation.","milestones":[{"title":"Maquettes et catalogue","amountMad":15000,"dueInDays":20},{"title":"Mise en ligne","amountMad":15000,"dueInDays":60}]}' | jq -r .id)
curl -sf -X POST "$B/api/needs/$NEED/bids/$BID/accept" -H "$SME" | show awarded '{id, status}'
curl -sf "$B/api/needs/$NEED/engagement" -H "$SME" | show engagement '{needId, startupId, programmeId, milestones: [.milestones[] | {index, amountMinor, status, dueOn}]}'

for i in 0 1; do
  FUND=$(curl -sf -X POST "$B/api/needs/$NEED/milestones/$i/fund" -H "$SME" -H "$J" -d '{"method":"bank-transfer"}')
  echo "$FUND" | show "fund $i" '{paymentId, amountMinor, programmeMinor, reference, instructions}'
  ledger_ok
  curl -s -X POST "$B/api/admin/payments/$(echo "$FUND" | jq -r .reference)/confirm" -H "$A" -H "$J" -d '{"amountMinor":1,"bankReference":"BOA-WRONG"}' | show "wrong amount refused" '{status, errors}'
  curl -sf -X POST "$B/api/admin/payments/$(echo "$FUND" | jq -r .reference)/confirm" -H "$A" -H "$J" \
    -d "{\"amountMinor\":$(echo "$FUND" | jq .amountMinor),\"bankReference\":\"BOA-$run-$i\"}" | show "confirm $i" ".milestones[$i] | {status, funding}"
  ledger_ok
  curl -sf -X POST "$B/api/needs/$NEED/milestones/$i/deliver" -H "$STARTUP" -H "$J" -d '{"note":"Livré et expliqué.","links":["https://demo.example.ma"]}' | show "deliver $i" ".milestones[$i].status"
  curl -sf -X POST "$B/api/needs/$NEED/milestones/$i/approve" -H "$SME" | show "approve $i" "{status, milestone: .milestones[$i].status}"
  # the release is the follow-up job's, moments after the approval's answer
  for _ in $(seq 50); do [ "$(curl -sf "$B/api/needs/$NEED/engagement" -H "$SME" | jq -r ".milestones[$i].status")" = released ] && break; sleep 0.2; done
  ledger_ok
  # the payout order joins the admins' list with the release's follow-up
  for _ in $(seq 50); do curl -sf "$B/api/admin/payouts?status=pending" -H "$A" | jq -e ".[] | select(.needId == \"$NEED\" and .index == $i and .status == \"pending\")" >/dev/null && break; sleep 0.2; done
  echo "== payout file"; HEADERS=$(mktemp)
  curl -sf -D "$HEADERS" "$B/api/admin/payouts?status=pending" -H "$A" -H 'Accept: text/csv' | grep -E "payoutId|$NEED"
  FILE=$(awk 'tolower($1) == "x-payout-file-id:" { print $2 }' "$HEADERS" | tr -d '\r'); rm -f "$HEADERS"
  # the bank executed the file: its payouts are marked paid with the bank's reference (a payout in it is not paid by hand)
  curl -sf -X POST "$B/api/admin/payout-files/$FILE/paid" -H "$A" -H "$J" -d "{\"bankReference\":\"BOA-OUT-$run-$i\"}" | show "paid $i" '{fileId, payouts, paidNow, bankReference}'
done
curl -sf "$B/api/needs/$NEED" -H "$SME" | show need '{status}'
curl -sf "$B/api/needs/$NEED/ledger" -H "$SME" | show ledger '{entries: [.entries[] | {operationId, lines: [.lines[] | "\(.account) \(.amountMinor)"]}], balances}'
curl -sf "$B/api/needs/$NEED/ledger" -H "$A" | jq -e '.balances.escrow == 0' >/dev/null && echo "== ledger balanced at every step; escrow empty"
