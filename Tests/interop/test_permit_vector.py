"""An independent COSE implementation (pycose) verifies the VNP1 test vector given only
the JWKS: base45 → zlib → COSE_Sign1 → CWT, as docs/permit-format.md describes."""
import json
import pathlib
import zlib

import base45
import cbor2
from pycose.keys import EC2Key
from pycose.keys.curves import P256
from pycose.messages import Sign1Message

HERE = pathlib.Path(__file__).parent / "vectors"


def b64url(s):
    import base64
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def test_pycose_verifies_the_vector_with_only_the_jwks():
    text = (HERE / "permit-v1.txt").read_text().strip()
    jwk = json.loads((HERE / "permit-v1-jwks.json").read_text())["keys"][0]
    assert text.startswith("VNP1:")
    cose = zlib.decompress(base45.b45decode(text[5:]))
    msg = Sign1Message.decode(cose)
    from pycose.headers import KID
    assert msg.phdr[KID] == b64url(jwk["kid"])
    msg.key = EC2Key(crv=P256, x=b64url(jwk["x"]), y=b64url(jwk["y"]))
    assert msg.verify_signature()
    claims = cbor2.loads(msg.payload)
    assert claims[1] == "VN-HN-Q08"
    permit = claims[-65537]
    assert permit["name"] == "Nguyễn Văn An" and permit["idNumber"] == "********4567"
    assert permit["validFrom"] == "2021-09-06" and permit["validUntil"] == "2021-09-20"


def test_pycose_rejects_a_tampered_vector():
    text = (HERE / "permit-v1.txt").read_text().strip()
    jwk = json.loads((HERE / "permit-v1-jwks.json").read_text())["keys"][0]
    cose = zlib.decompress(base45.b45decode(text[5:]))
    msg = Sign1Message.decode(cose)
    claims = cbor2.loads(msg.payload)
    claims[-65537]["name"] = "Trần Văn Giả"
    msg.payload = cbor2.dumps(claims)
    msg.key = EC2Key(crv=P256, x=b64url(jwk["x"]), y=b64url(jwk["y"]))
    assert not msg.verify_signature()
