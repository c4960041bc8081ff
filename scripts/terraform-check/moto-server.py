"""moto's server on 127.0.0.1, with one correction to what it answers.

Usage: python moto-server.py PORT

moto 5.2 stores the SendingOptions object of an SESv2 CreateConfigurationSet request whole and
answers GetConfigurationSet with {"SendingOptions": {"SendingEnabled": {"SendingEnabled": true}}}:
an object where the API returns a boolean. The AWS SDK for Go rejects that answer, so the
provider's read fails and the configuration set is left tainted. The patch below answers the
boolean the request carried (true when the request had none, as AWS does). Nothing else is
changed; every other answer is moto's own.
"""

import sys

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

if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: moto-server.py PORT")
    main(["--host", "127.0.0.1", "--port", sys.argv[1]])
