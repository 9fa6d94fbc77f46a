"""Checks of infra/template.yaml that cfn-lint does not make: least privilege, durability,
and which routes need a token. Run by scripts/test with the project's venv:
    .venv/bin/python -m unittest infra/test_template.py
"""
import pathlib
import unittest

from cfnlint.decode import decode

TEMPLATE = pathlib.Path(__file__).with_name("template.yaml")
# The seller's own catalog (the ids of the offers and change sets it makes are not known
# before): the one resource with a wildcard, for the Catalog API actions only.
OWN_CATALOG = "arn:${AWS::Partition}:aws-marketplace:us-east-1:${AWS::AccountId}:AWSMarketplace/*"
# Exactly the Catalog API actions each function calls.
CATALOG_ACTIONS = {
    "ApiFunction": {"aws-marketplace:StartChangeSet"},
    "EventsFunction": {"aws-marketplace:DescribeChangeSet"},
    "SchedulerFunction": set(),
    "NotifierFunction": set(),
}


def load():
    template, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return template


def resources_of(template, kind):
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def describe(resource):
    """A policy Resource entry as text: `Table.Arn`, `${Table.Arn}/index/due`, or the literal."""
    if isinstance(resource, dict):
        if "Fn::GetAtt" in resource:
            value = resource["Fn::GetAtt"]
            return ".".join(value) if isinstance(value, list) else value
        if "Fn::Sub" in resource:
            return resource["Fn::Sub"]
        if "Ref" in resource:
            return resource["Ref"]
    return str(resource)


class Template(unittest.TestCase):
    def setUp(self):
        self.template = load()
        self.functions = resources_of(self.template, "AWS::Serverless::Function")

    def test_every_function_may_touch_only_this_table_its_index_the_dead_letter_queue_and_its_logs(self):
        allowed = {"Table.Arn", "${Table.Arn}/index/due", "Table.StreamArn", "DeadLetterQueue.Arn", OWN_CATALOG}
        self.assertEqual(len(self.functions), 4)
        for name, function in self.functions.items():
            properties = function["Properties"]
            self.assertNotIn("Policies", properties, f"{name}: SAM's policy templates would add more")
            role = self.template["Resources"][properties["Role"]["Fn::GetAtt"][0]]
            log_group = properties["LoggingConfig"]["LogGroup"]["Ref"]
            for policy in role["Properties"]["Policies"]:
                for statement in policy["PolicyDocument"]["Statement"]:
                    for resource in statement["Resource"]:
                        described = describe(resource)
                        if described != OWN_CATALOG:
                            self.assertNotIn("*", described, f"{name}: a wildcard resource")
                        self.assertIn(described, allowed | {f"{log_group}.Arn"}, f"{name}: {described}")
                    for action in statement["Action"]:
                        self.assertNotIn("*", action, f"{name}: a wildcard action")
                        if action.startswith("aws-marketplace:"):
                            self.assertIn(action, CATALOG_ACTIONS[name], f"{name}: {action}")

    def test_the_table_has_point_in_time_recovery_encryption_a_stream_ttl_and_the_due_index(self):
        table = self.template["Resources"]["Table"]["Properties"]
        self.assertTrue(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"])
        self.assertTrue(table["SSESpecification"]["SSEEnabled"])
        self.assertEqual(table["StreamSpecification"]["StreamViewType"], "NEW_AND_OLD_IMAGES")
        self.assertEqual(table["TimeToLiveSpecification"], {"AttributeName": "expires_at", "Enabled": True})
        self.assertEqual(table["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual([i["IndexName"] for i in table["GlobalSecondaryIndexes"]], ["due"])
        self.assertEqual(self.template["Resources"]["Table"]["DeletionPolicy"], "Retain")

    def test_every_route_needs_the_jwt_authorizer_except_the_openapi_document(self):
        api = self.template["Resources"]["HttpApi"]["Properties"]["Auth"]
        self.assertEqual(api["DefaultAuthorizer"], "Jwt")
        self.assertEqual(api["Authorizers"]["Jwt"]["IdentitySource"], "$request.header.Authorization")
        routes = []
        for function in self.functions.values():
            for event in function["Properties"].get("Events", {}).values():
                if event["Type"] == "HttpApi":
                    properties = event["Properties"]
                    open_route = properties.get("Auth", {}).get("Authorizer") == "NONE"
                    routes.append((properties["Method"], properties["Path"], open_route))
        self.assertIn(("ANY", "/v1/{proxy+}", False), routes)
        self.assertEqual([r for r in routes if r[2]], [("GET", "/v1/openapi.json", True)])

    def test_the_scheduler_runs_on_a_schedule_and_the_notifier_on_the_stream_with_a_dead_letter_queue(self):
        scheduler = self.functions["SchedulerFunction"]["Properties"]["Events"]["Every"]
        self.assertEqual(scheduler["Type"], "ScheduleV2")
        notifier = self.functions["NotifierFunction"]["Properties"]
        self.assertEqual(notifier["Events"]["Outbox"]["Type"], "DynamoDB")
        self.assertEqual(notifier["Environment"]["Variables"]["OFFERDESK_DLQ_URL"], {"Ref": "DeadLetterQueue"})
        for function in self.functions.values():
            self.assertEqual(self.template["Globals"]["Function"]["Architectures"], ["arm64"])
            self.assertEqual(function["Metadata"]["BuildMethod"], "rust-cargolambda")

    def test_alarms_watch_errors_throttles_and_the_dead_letter_queue(self):
        alarms = resources_of(self.template, "AWS::CloudWatch::Alarm").values()
        metrics = sorted(a["Properties"]["MetricName"] for a in alarms)
        self.assertEqual(metrics, ["ApproximateNumberOfMessagesVisible", "Errors", "Errors", "Errors", "Errors", "Throttles"])

    def test_the_events_function_hears_aws_marketplace_on_the_default_bus(self):
        events = self.functions["EventsFunction"]["Properties"]["Events"]
        sources = sorted(e["Properties"]["Pattern"]["source"][0] for e in events.values())
        self.assertEqual(sources, ["aws.agreement-marketplace", "aws.marketplacecatalog"])
        agreements = events["Agreements"]["Properties"]["Pattern"]["detail-type"]
        for kind in ["Created", "Amended", "Ended"]:
            for role in ["Proposer", "Manufacturer"]:
                self.assertIn(f"Purchase Agreement {kind} - {role}", agreements)
        for event in events.values():
            self.assertNotIn("EventBusName", event["Properties"], "the default bus")


if __name__ == "__main__":
    unittest.main()
