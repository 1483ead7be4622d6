#!/usr/bin/env python3
"""Alibaba's official Python SDKs against ens-emulator: each one creates, describes, stops,
starts, reinitialises and releases instances (and runs pay-as-you-go ones with RunInstances),
and reads a documented error code.

Usage: official_sdk.py HOST:PORT ACCESS_KEY_ID ACCESS_KEY_SECRET

Modes (all three run):
  tea_acs3  alibabacloud-ens20171110 (Tea) Client, default Config: ACS3-HMAC-SHA256
  tea_v2    the same with Config(signature_algorithm='v2'): RPC signature 1.0
  legacy    aliyun-python-sdk-core AcsClient + aliyun-python-sdk-ens requests: RPC signature 1.0

Needs: alibabacloud-ens20171110 aliyun-python-sdk-core aliyun-python-sdk-ens (see the pins in
ens-emulator/README.md). Prints one line per mode; exits 1 on the first failure.
"""
import json
import os
import sys
import time

for _k in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_k, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from alibabacloud_ens20171110 import models as tea_models  # noqa: E402
from alibabacloud_ens20171110.client import Client as TeaClient  # noqa: E402
from alibabacloud_tea_openapi import utils_models as oa_models  # noqa: E402
from aliyunsdkcore.client import AcsClient  # noqa: E402
import aliyunsdkens.request.v20171110 as legacy_requests  # noqa: E402
import importlib  # noqa: E402

REGION = "cn-beijing-cmcc"
PASSWORD = "Edge#2024x"
IMAGE = "ubuntu_20_04_x64_20G_alibase_20210420"


def snake(name):
    out = ""
    for i, c in enumerate(name):
        if c.isupper() and i > 0:
            out += "_"
        out += c.lower()
    return out


class Tea:
    """Typed Tea calls: request model in, response body as a dict out."""

    def __init__(self, host_port, key, secret, algorithm=None):
        kw = dict(endpoint=host_port, protocol="http", region_id="cn-hangzhou",
                  access_key_id=key, access_key_secret=secret)
        if algorithm:
            kw["signature_algorithm"] = algorithm
        self.client = TeaClient(oa_models.Config(**kw))

    def call(self, action, **kwargs):
        request = getattr(tea_models, action + "Request")(**kwargs)
        return getattr(self.client, snake(action))(request).body.to_map()

    def create(self, name):
        return self.call("CreateInstance", instance_type="ens.sn1.small", ens_region_id=REGION,
                         period="1", quantity="2", password=PASSWORD, instance_name=name,
                         unique_suffix=True,
                         system_disk=tea_models.CreateInstanceRequestSystemDisk(size="40"),
                         data_disk=[tea_models.CreateInstanceRequestDataDisk(size="50")],
                         )["InstanceIds"]["InstanceId"]

    def run(self, name):
        return self.call("RunInstances", instance_type="ens.sn1.tiny", instance_charge_type="PostPaid",
                         schedule_area_level="Region", ens_region_id=REGION, amount=2,
                         internet_max_bandwidth_out=10, password=PASSWORD, instance_name=name,
                         unique_suffix=True, image_id=IMAGE,
                         tag=[tea_models.RunInstancesRequestTag(key="team", value="edge")],
                         system_disk=tea_models.RunInstancesRequestSystemDisk(size=40),
                         data_disk=[tea_models.RunInstancesRequestDataDisk(size=50)],
                         )["InstanceIds"]

    def describe(self, ids):
        return self.call("DescribeInstances", instance_ids=json.dumps(ids), page_size="100")

    def by_id(self, action, instance_id, **extra):
        return self.call(action, instance_id=instance_id, **extra)

    def reinit(self, instance_id):
        return self.call("ReinitInstance", instance_id=instance_id, image_id=IMAGE)

    @staticmethod
    def code(error):
        return getattr(error, "code", None)


class Legacy:
    """aliyun-python-sdk-core: the SDK's request classes and setters, JSON text back."""

    def __init__(self, host_port, key, secret):
        self.host, port = host_port.rsplit(":", 1)
        self.client = AcsClient(key, secret, "cn-hangzhou", port=int(port), auto_retry=False)

    def call(self, action, **setters):
        module = importlib.import_module(legacy_requests.__name__ + "." + action + "Request")
        request = getattr(module, action + "Request")()
        request.set_endpoint(self.host)
        request.set_protocol_type("http")
        for name, value in setters.items():
            getattr(request, "set_" + name)(value)
        return json.loads(self.client.do_action_with_exception(request).decode("utf-8"))

    def create(self, name):
        return self.call("CreateInstance", InstanceType="ens.sn1.small", EnsRegionId=REGION, Period="1",
                         Quantity="2", Password=PASSWORD, InstanceName=name, UniqueSuffix=True,
                         SystemDiskSize="40", DataDisk1Size="50")["InstanceIds"]["InstanceId"]

    def run(self, name):
        return self.call("RunInstances", InstanceType="ens.sn1.tiny", InstanceChargeType="PostPaid",
                         ScheduleAreaLevel="Region", EnsRegionId=REGION, Amount=2,
                         InternetMaxBandwidthOut=10, Password=PASSWORD, InstanceName=name,
                         UniqueSuffix=True, ImageId=IMAGE, Tags=[{"Key": "team", "Value": "edge"}],
                         SystemDisk={"Size": 40})["InstanceIds"]

    def describe(self, ids):
        return self.call("DescribeInstances", InstanceIds=json.dumps(ids), PageSize="100")

    def by_id(self, action, instance_id, **extra):
        return self.call(action, InstanceId=instance_id, **extra)

    def reinit(self, instance_id):
        return self.call("ReinitInstance", InstanceId=instance_id, ImageId=IMAGE)

    @staticmethod
    def code(error):
        get = getattr(error, "get_error_code", None)
        return get() if get else None


def statuses(sdk, ids):
    listed = sdk.describe(ids)["Instances"]["Instance"]
    return {i["InstanceId"]: i["Status"] for i in listed}


def wait(sdk, ids, status, timeout=30.0):
    deadline = time.time() + timeout
    while True:
        seen = statuses(sdk, ids)
        if len(seen) == len(ids) and all(s == status for s in seen.values()):
            return
        if time.time() > deadline:
            raise AssertionError("%s did not reach %s: %r" % (ids, status, seen))
        time.sleep(0.1)


def expect_code(sdk, code, fn):
    try:
        fn()
    except Exception as e:  # the SDK's own exception type carries the service's code
        if sdk.code(e) != code:
            raise AssertionError("expected %s, got %r (%s)" % (code, sdk.code(e), e))
        return
    raise AssertionError("expected %s, the call succeeded" % code)


def scenario(mode, sdk):
    ids = sdk.create("sdk-" + mode.replace("_", "-"))
    assert len(ids) == 2, ids
    wait(sdk, ids, "Running")
    listed = sdk.describe(ids)["Instances"]["Instance"]
    names = sorted(i["InstanceName"] for i in listed)
    assert names == ["sdk-%s001" % mode.replace("_", "-"), "sdk-%s002" % mode.replace("_", "-")], names
    first = ids[0]
    sdk.by_id("StopInstance", first)
    wait(sdk, [first], "Stopped")
    sdk.by_id("StartInstance", first)
    wait(sdk, [first], "Running")
    sdk.reinit(first)  # parameters in a form body
    wait(sdk, [first], "Running")
    assert statuses(sdk, [first]) and sdk.describe([first])["Instances"]["Instance"][0]["ImageId"] == IMAGE
    for i in ids:
        sdk.by_id("ReleasePrePaidInstance", i)
    assert statuses(sdk, ids) == {}, "released instances are gone"
    expect_code(sdk, "InstanceNotFound", lambda: sdk.by_id("StartInstance", first))

    post = sdk.run("sdk-run-" + mode.replace("_", "-"))
    assert len(post) == 2, post
    wait(sdk, post, "Running")
    expect_code(sdk, "InvalidParameter.InstanceId", lambda: sdk.by_id("ReleasePrePaidInstance", post[0]))
    for i in post:
        sdk.by_id("ReleasePostPaidInstance", i)
    assert statuses(sdk, post) == {}


def main():
    host_port, key, secret = sys.argv[1:4]
    modes = [
        ("tea_acs3", Tea(host_port, key, secret)),
        ("tea_v2", Tea(host_port, key, secret, "v2")),
        ("legacy", Legacy(host_port, key, secret)),
    ]
    for mode, sdk in modes:
        started = time.time()
        try:
            scenario(mode, sdk)
        except Exception as e:
            print("FAIL %s: %s: %s" % (mode, type(e).__name__, e))
            return 1
        print("ok   %s (%.1f s)" % (mode, time.time() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
