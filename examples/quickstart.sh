#!/usr/bin/env bash
# A first register: an organisation, a service, staff, and service users added
# and listed. Runs against $CASELOAD_DB (set it to a scratch file to try this).
set -euo pipefail
: "${CASELOAD_DB:?set CASELOAD_DB to the path of the demo register}"
export CASELOAD_DB
echo "== a register for Northside Support, with you as its lead 'ana'"
caseload init --organisation "Northside Support" --lead ana --name "Ana (lead)"

echo "== a hostel service using the homelessness Star"
caseload service add HOM --name "Northside Hostel" --star homelessness
caseload star show homelessness

echo "== staff: a manager and two workers"
caseload staff add mo --name "Mo (manager)" --login demo-mo --no-check-login --manager HOM
caseload staff add wes --name "Wes (worker)" --login demo-wes --no-check-login --worker HOM
caseload staff add wyn --name "Wyn (worker)" --login demo-wyn --no-check-login --worker HOM
caseload staff list

echo "== a worker adds someone with a generated ID: it lands on their caseload"
caseload --as wes su add --generate --age-band 25-34 --gender female --need rough-sleeping

echo "== a manager adds someone, naming the keyworker"
caseload --as mo su add HOM-0001 --keyworker wyn --dob 1988-06-14 --need accommodation --need money --confirm-anonymous

echo "== the guard refuses an ID that holds a name"
caseload --as wes su add JSmith1985 --confirm-anonymous || echo "(refused with exit $?)"

echo "== the register as a lead sees it, and as wes sees it"
caseload su list
caseload --as wes su list
echo "== lookups ignore case"
caseload su show hom-0001
caseload log
