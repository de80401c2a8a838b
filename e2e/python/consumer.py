"""A Python consumer program: the SelfHostedGateway component through the package's generated Python SDK, in
token mode against the e2e stand-ins. It uses the component exactly as a Python project does after
`pulumi package add`."""
import os

import pulumi
import pulumi_apim_gateway as apim

gateway = apim.SelfHostedGateway(
    "consumer-python",
    environment=apim.Environment.DEV,
    apim=apim.ApimArgs(
        resource_group_name=os.environ["APIM_E2E_RESOURCE_GROUP"],
        service_name=os.environ["APIM_E2E_SERVICE"],
        gateway_name="consumer-python",
        location=apim.ApimLocationArgs(name="e2e-cluster"),
    ),
    namespace=apim.NamespaceArgs(name="consumer-python"),
    replicas=2,
    rolling_update=apim.RollingUpdateArgs(max_unavailable=0, max_surge=1),
    image=apim.ImageArgs(tag="2.11.1"),
    config_backup=apim.ConfigBackupArgs(storage_class_name="azurefile-csi", access_mode=apim.ConfigBackupAccessMode.READ_WRITE_MANY),
    token=apim.TokenArgs(arm_endpoint=os.environ["APIM_E2E_ARM_ENDPOINT"], lifetime_days=30, rotate_every_days=7),
)

pulumi.export("namespace", gateway.namespace_name)
pulumi.export("tokenExpiry", gateway.token_expiry)
pulumi.export("tokenRotatesAfter", gateway.token_rotates_after)
pulumi.export("secretName", gateway.secret_name)
