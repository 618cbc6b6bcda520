#!/usr/bin/env bash
# sqlmap (level 2, risk 1) against a throw-away portal on PostgreSQL: the public FAQ search, the
# status lookup and the signed-in staff queue. See docs/sqlmap.md for why and for the last result.
#
#   scripts/sqlmap_check.sh            # needs .venv (make install), PostgreSQL on 127.0.0.1:5432
#
# sqlmap is installed from PyPI into .venv for this run only and removed again afterwards; it is
# not a dependency of the project. The database, uploads and server made here are removed at exit.
# Exit status: 0 when sqlmap found no injectable parameter, 1 when it found one, 2 on a set-up error.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${SQLMAP_PORT:-5097}"
PG_ADMIN="${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
DB="foia_sqlmap_$$"
WORK="$(mktemp -d)"
BASE="http://127.0.0.1:${PORT}"
STAFF_EMAIL="sqlmap-officer@example.gov"
STAFF_PASSWORD="sqlmap-officer-password-$$"
LOG="${SQLMAP_LOG:-$WORK/sqlmap-summary.txt}"
# One User-Agent for curl and sqlmap: staff sessions are bound to it (Flask-Login "strong"), and
# a different one would silently sign sqlmap out and test the sign-in redirect instead.
UA="foia-portal-sqlmap-check"
INSTALLED_HERE=0
SERVER_PID=""

cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    if [[ "$INSTALLED_HERE" == 1 ]]; then
        "$BIN/python" -m pip uninstall --quiet --yes sqlmap >/dev/null 2>&1 || true
    fi
    [[ "$LOG" == "$WORK"/* ]] && cat "$LOG"
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ! -x "$BIN/sqlmap" ]]; then
    "$BIN/python" -m pip install --quiet sqlmap || exit 2
    INSTALLED_HERE=1
fi

# --- a portal of our own: fresh database, demo FAQ, one officer, one request ------------------
psql "$PG_ADMIN" -qc "CREATE DATABASE \"$DB\"" || exit 2
export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/${DB}"
export SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')"
export UPLOAD_FOLDER="$WORK/uploads"
export RATELIMIT_ENABLED=false MAIL_SEND_IMMEDIATELY=false FLASK_ENV=development
FLASK="$BIN/flask --app foia_portal"
$FLASK db upgrade >/dev/null 2>&1
# Some FAQ articles, so that true and false conditions would show as different pages.
$FLASK faq import foia_portal/faq/demo_faqs.json >/dev/null 2>&1 || "$BIN/python" - <<'PY'
import json
from foia_portal import create_app
from foia_portal.extensions import db
from foia_portal.faq.services import create_faq
with create_app().app_context():
    for entry in json.load(open("foia_portal/faq/demo_faqs.json"))[:20]:
        create_faq(category=entry["category"], question=entry["question"], answer=entry["answer"])
    db.session.commit()
PY
echo "$STAFF_PASSWORD" | $FLASK users create "$STAFF_EMAIL" --name "Sqlmap Officer" --password-stdin >/dev/null

"$BIN/gunicorn" "foia_portal:create_app()" --bind "127.0.0.1:${PORT}" --workers 2 \
    --access-logfile "$WORK/access.log" --log-level warning >"$WORK/gunicorn.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

curl -fsS -A "$UA" -o /dev/null -X POST "$BASE/foia/request" \
    --data-urlencode "first_name=Ada" --data-urlencode "last_name=Lovelace" \
    --data-urlencode "email=ada@example.com" --data-urlencode "fee_category=other" \
    --data-urlencode "description=All grant award documents for community policing hiring grants."
NUMBER="$(psql "${DATABASE_URL/+psycopg/}" -Atc 'SELECT tracking_number FROM foia_request LIMIT 1')"

# Staff session: the sign-in form's CSRF token, then the session cookie it sets.
JAR="$WORK/cookies.txt"
CSRF="$(curl -fsS -A "$UA" -c "$JAR" "$BASE/staff/login" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -1)"
curl -fsS -A "$UA" -o /dev/null -b "$JAR" -c "$JAR" -X POST "$BASE/staff/login" \
    --data-urlencode "csrf_token=$CSRF" --data-urlencode "email=$STAFF_EMAIL" \
    --data-urlencode "password=$STAFF_PASSWORD"
SESSION="$(awk '$6 == "session" {print $7}' "$JAR")"
[[ -n "$SESSION" ]] || { echo "could not sign in" >&2; exit 2; }
QUEUE_CODE="$(curl -s -A "$UA" -o /dev/null -w '%{http_code}' -b "session=$SESSION" "$BASE/staff/?q=ada")"
[[ "$QUEUE_CODE" == 200 ]] || { echo "the queue answered $QUEUE_CODE to the session: not signed in" >&2; exit 2; }

# --- sqlmap ------------------------------------------------------------------------------------
COMMON=(--batch --level 2 --risk 1 --flush-session --disable-coloring --output-dir "$WORK/out"
        --user-agent "$UA")
# The staff queue must be tested signed in: a redirect (to the sign-in page) is not followed.
run() {
    local name="$1"; shift
    echo "=== $name: sqlmap ${*//$SESSION/<session cookie>}" | tee -a "$LOG"
    local started=$SECONDS
    "$BIN/sqlmap" "${COMMON[@]}" "$@" >"$WORK/$name.txt" 2>&1 || true
    { grep -E "appears to be|is vulnerable|not injectable|might be injectable|redirect|HTTP error codes|\[CRITICAL\]|sqlmap identified" \
        "$WORK/$name.txt" || true; } | sed 's/^\[[0-9:]*\] //' | sort | uniq -c | sed 's/^ */  /' | tee -a "$LOG"
    { grep -A1 "HTTP error codes detected" "$WORK/$name.txt" || true; } | tail -1 | sed 's/^/  HTTP answers other than 200: /' | tee -a "$LOG"
    echo "  took $((SECONDS - started)) s" | tee -a "$LOG"
}

run faq_search -u "$BASE/faq/search?q=grant" -p q
run status_lookup -u "$BASE/foia/status" --data "tracking_number=${NUMBER}&email=ada%40example.com" \
    -p "tracking_number,email"
run staff_queue -u "$BASE/staff/?q=ada&status=open&sort=due_date" --cookie "session=$SESSION" \
    -p "q,status,sort" --ignore-redirects

# Every staff request sqlmap sent must have been answered signed in (200 or 422), never with the
# redirect to the sign-in page.
STAFF_CODES="$(awk '$0 ~ /"GET \/staff\/\?/ {print $9}' "$WORK/access.log" | sort | uniq -c | tr '\n' ' ')"
echo "staff queue answers (count status): $STAFF_CODES" | tee -a "$LOG"
if awk '$0 ~ /"GET \/staff\/\?/ && $9 == 302 {found=1} END {exit !found}' "$WORK/access.log"; then
    echo "RESULT: invalid run: sqlmap was signed out of the staff queue" | tee -a "$LOG"
    exit 2
fi
if grep -qiE "is vulnerable|sqlmap identified the following injection" "$WORK"/faq_search.txt \
    "$WORK"/status_lookup.txt "$WORK"/staff_queue.txt; then
    echo "RESULT: sqlmap found an injectable parameter" | tee -a "$LOG"
    exit 1
fi
if grep -q "500 (Internal Server Error)" "$WORK"/*.txt; then
    echo "RESULT: no injection, but the server answered 500 to some payloads" | tee -a "$LOG"
    exit 1
fi
echo "RESULT: no injectable parameter, no 500" | tee -a "$LOG"
