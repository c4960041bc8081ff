"""moto's server on 127.0.0.1, with two corrections.

Usage: python moto-server.py PORT

moto 5.2 stores the SendingOptions object of an SESv2 CreateConfigurationSet request whole and
answers GetConfigurationSet with {"SendingOptions": {"SendingEnabled": {"SendingEnabled": true}}}:
an object where the API returns a boolean. The AWS SDK for Go rejects that answer, so the
provider's read fails and the configuration set is left tainted. The patch below answers the
boolean the request carried (true when the request had none, as AWS does).

The provider runs with skip_requesting_account_id (no account lookup), so the ARNs it builds to
read tags (Athena workgroups, Glue databases, SESv2 configuration sets) have no account:
arn:aws:athena:us-east-1::workgroup/NAME. AWS never sees such an ARN (the provider knows the
account there); moto keeps resources by the full ARN and answers "does not exist". The
middleware below writes moto's account into a Regional ARN whose account is empty, in the query
string and the body of each request, before moto reads it. Nothing else is changed; every other
answer is moto's own.
"""

import io
import re
import sys

from moto import server as moto_server
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses import models as ses_models
from moto.server import main

_to_dict_v2 = ses_models.ConfigurationSet.to_dict_v2


def to_dict_v2(self):
    answer = _to_dict_v2(self)
    sending = self.enabled
    if isinstance(sending, dict):
        sending = sending.get("SendingEnabled", True)
    answer["SendingOptions"] = {"SendingEnabled": bool(sending)}
    return answer


ses_models.ConfigurationSet.to_dict_v2 = to_dict_v2

# arn:PARTITION:SERVICE:REGION::  (plain or URL-encoded colons); a Region is never empty here,
# so global ARNs such as arn:aws:s3:::bucket or arn:aws:iam::123456789012:role/x do not match.
_ACCOUNTLESS_ARN = re.compile(rb"(arn(:|%3A)aws[a-z-]*\2[a-z0-9-]+\2[a-z]{2}(?:-[a-z]+)+-\d+)\2\2", re.IGNORECASE)


def with_account(data: bytes) -> bytes:
    return _ACCOUNTLESS_ARN.sub(lambda m: m.group(1) + m.group(2) + DEFAULT_ACCOUNT_ID.encode() + m.group(2), data)


class AccountInArns:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        environ["QUERY_STRING"] = with_account(query.encode("latin-1")).decode("latin-1")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            body = with_account(environ["wsgi.input"].read(length))
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


_dispatcher = moto_server.DomainDispatcherApplication
moto_server.DomainDispatcherApplication = lambda *args, **kwargs: AccountInArns(_dispatcher(*args, **kwargs))

if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: moto-server.py PORT")
    main(["--host", "127.0.0.1", "--port", sys.argv[1]])
