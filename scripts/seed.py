#!/usr/bin/env python3
"""Loads sample data into a running Offerdesk through its API, dated from today.

Offers of several kinds (a draft, an open offer, a contract paid in installments, a
future-dated contract, an upsell that replaces an agreement), agreements in several
states (active, pending start, replaced, pending cancellation) and a channel partner
offer (CPPO) made from a resale authorization.

    scripts/seed.py --url http://127.0.0.1:8080 --offerdesk target/release/offerdesk

Tokens are minted with `offerdesk token` (the same OFFERDESK_DEV_KEY as the server).
"""
import argparse
import datetime as dt
import json
import subprocess
import sys
import urllib.error
import urllib.request

SELLER, BUYER, OTHER_BUYER, RESELLER = "111111111111", "111122223333", "222233334444", "444455556666"
TODAY = dt.date.today()


def day(offset):
    return (TODAY + dt.timedelta(days=offset)).isoformat()


class Api:
    def __init__(self, url, offerdesk):
        self.url, self.offerdesk = url.rstrip("/"), offerdesk

    def token(self, role, account):
        out = subprocess.run([self.offerdesk, "token", "--role", role, "--account", account],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def call(self, method, path, token, body=None, expect=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "authorization": f"Bearer {token}", "content-type": "application/json"})
        try:
            with urllib.request.urlopen(request) as response:
                status, reply = response.status, json.load(response)
        except urllib.error.HTTPError as error:
            status, reply = error.code, json.load(error)
        if status not in expect:
            sys.exit(f"seed: {method} {path} answered {status}: {json.dumps(reply)}")
        return reply


def contract(name, product, buyer, expiry, charges, users=100, start=None):
    validity = {"type": "ValidityTerm", "agreementDuration": "P12M"}
    if start:
        validity["agreementStartDate"] = start
    return {
        "productId": product, "name": name,
        "description": f"{name}: {users} users, premium support",
        "targeting": {"positiveTargeting": {"buyerAccounts": [buyer]}},
        "availabilityEndDate": expiry, "pricingModel": "Contract",
        "terms": [
            {"type": "FixedUpfrontPricingTerm", "currencyCode": "USD", "price": "0",
             "grants": [{"dimensionKey": "Users", "maxQuantity": users}]},
            validity,
            {"type": "PaymentScheduleTerm", "currencyCode": "USD",
             "schedule": [{"chargeDate": d, "chargeAmount": a} for d, a in charges]},
            {"type": "LegalTerm", "documents": [{"type": "StandardEula", "version": "2022-07-14"}]},
            {"type": "SupportTerm", "refundPolicy": "Refunds within 30 days of each charge."},
        ],
    }


def usage_offer(name, product, buyer, expiry):
    return {
        "productId": product, "name": name, "description": "Pay for what you use, at a private rate",
        "targeting": {"positiveTargeting": {"buyerAccounts": [buyer]}},
        "availabilityEndDate": expiry, "pricingModel": "Usage",
        "terms": [
            {"type": "UsageBasedPricingTerm", "currencyCode": "USD",
             "rateCards": [{"rateCard": [{"dimensionKey": "Requests", "price": "0.0004"}]}]},
            {"type": "LegalTerm", "documents": [{"type": "StandardEula", "version": "2022-07-14"}]},
        ],
    }


def resale_authorization():
    change = lambda kind, details, create=False: {
        "ChangeType": kind, "Entity": {"Type": "ResaleAuthorization@1.0"} if create else {
            "Type": "ResaleAuthorization@1.0", "Identifier": "$ra.Entity.Identifier"},
        **({"ChangeName": "ra"} if create else {}), "DetailsDocument": details}
    return {"Catalog": "AWSMarketplace", "ChangeSet": [
        change("CreateResaleAuthorization", {"ProductId": "prod-analytics", "Name": "Acme Analytics via Example Partners",
               "Description": "Acme Analytics resold by Example Partners", "ResellerAccountId": RESELLER}, create=True),
        change("UpdatePricingTerms", {"PricingModel": "Contract", "Terms": [
            {"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "0.00", "Duration": "P12M",
             "Grants": [{"DimensionKey": "Users", "MaxQuantity": 50}]}]}),
        change("UpdatePaymentScheduleTerms", {"Terms": [{"Type": "ResalePaymentScheduleTerm", "CurrencyCode": "USD",
               "Schedule": [{"ChargeDate": day(40), "ChargeAmount": "6000.00"}, {"ChargeDate": day(220), "ChargeAmount": "6000.00"}]}]}),
        change("UpdateLegalTerms", {"Terms": [{"Type": "BuyerLegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2022-07-14"}]}]}),
        change("UpdateBuyerTargetingTerms", {"Terms": [{"Type": "BuyerTargetingTerm", "PositiveTargeting": {"BuyerAccounts": [BUYER]}}]}),
        change("UpdateAvailability", {"AvailabilityEndDate": day(35)}),
        change("ReleaseResaleAuthorization", {}),
    ]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--offerdesk", required=True, help="the offerdesk binary (mints the tokens)")
    args = parser.parse_args()
    api = Api(args.url, args.offerdesk)
    seller, buyer = api.token("seller", SELLER), api.token("buyer", BUYER)
    other_buyer, reseller = api.token("buyer", OTHER_BUYER), api.token("reseller", RESELLER)

    def offer(document, release=True):
        made = api.call("POST", "/v1/offers", seller, document)
        if release:
            made = api.call("POST", f"/v1/offers/{made['id']}/release", seller)
        return made["id"]

    offer(contract("Acme Analytics, draft for review", "prod-analytics", OTHER_BUYER, day(30),
                   [(day(45), "5000.00")]), release=False)
    offer(usage_offer("Acme API, private usage rate", "prod-api", BUYER, day(30)))
    # A contract in two installments, accepted: an active agreement...
    active = offer(contract("Acme Analytics enterprise", "prod-analytics", BUYER, day(20),
                            [(day(30), "12000.00"), (day(210), "12000.00")]))
    agreement = api.call("POST", f"/v1/offers/{active}/accept", buyer)
    # ...then an upsell that replaces it: the first agreement is replaced, its installments cancelled.
    upsell = contract("Acme Analytics enterprise, 200 users", None, BUYER, day(20), [(day(35), "6000.00")], users=200)
    for key in ("productId", "targeting"):
        del upsell[key]
    upsell["terms"][1] = {"type": "ValidityTerm", "agreementEndDate": day(364)}
    replacement = api.call("POST", f"/v1/agreements/{agreement['id']}/replacement-offers", seller, upsell)
    api.call("POST", f"/v1/offers/{replacement['id']}/release", seller)
    api.call("POST", f"/v1/offers/{replacement['id']}/accept", buyer)
    # A contract that starts in two months: pending start.
    future = offer(contract("Acme Security, starting next quarter", "prod-security", OTHER_BUYER, day(20),
                            [(day(60), "8000.00")], start=day(60)))
    api.call("POST", f"/v1/offers/{future}/accept", other_buyer)
    # Accepted, then cancelled by the buyer: pending cancellation until the scheduler runs.
    cancelled = offer(contract("Acme Backup, trial year", "prod-backup", OTHER_BUYER, day(20), [(day(25), "3000.00")]))
    made = api.call("POST", f"/v1/offers/{cancelled}/accept", other_buyer)
    api.call("POST", f"/v1/agreements/{made['id']}/cancel", other_buyer)
    # A channel partner offer from a resale authorization, accepted.
    ra = api.call("POST", "/v1/resale-authorizations", seller, resale_authorization())
    cppo = api.call("POST", f"/v1/resale-authorizations/{ra['id']}/offers", reseller,
                    {"buyerAccounts": [BUYER], "expiry": day(30), "markupPercentage": "12.5",
                     "name": "Acme Analytics from Example Partners"})
    api.call("POST", f"/v1/offers/{cppo['id']}/release", reseller)
    api.call("POST", f"/v1/offers/{cppo['id']}/accept", buyer)

    offers = api.call("GET", "/v1/offers", seller)["offers"]
    agreements = api.call("GET", "/v1/agreements", seller)["agreements"]
    print(f"seeded {len(offers)} offers and {len(agreements)} agreements for seller {SELLER}"
          f" ({', '.join(sorted(a['status'] for a in agreements))}), and a CPPO by reseller {RESELLER}")


if __name__ == "__main__":
    main()
