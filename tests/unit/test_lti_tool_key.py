"""The tool's LTI key: from the environment (PEM or a file), else generated in the data
folder like the local provider's keys; never from the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import SecretStr

from multistream.auth.keys import public_jwk
from multistream.lti.tool import ToolKey
from multistream.settings import Settings


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_the_key_comes_from_the_environment(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    from_value = ToolKey(Settings(data_dir=tmp_path, lti_private_key=SecretStr(_pem(key))))
    (tmp_path / "key.pem").write_text(_pem(key))
    from_file = ToolKey(Settings(data_dir=tmp_path, lti_private_key_file=tmp_path / "key.pem"))
    expected = public_jwk(key.public_key())
    assert from_value.jwks() == from_file.jwks() == {"keys": [expected]}
    assert from_value.private_key()[0] == expected["kid"]
    assert not (tmp_path / "lti-keys").exists()


def test_without_one_a_key_is_made_once_in_the_data_folder(tmp_path: Path) -> None:
    first = ToolKey(Settings(data_dir=tmp_path)).jwks()
    assert len(list((tmp_path / "lti-keys").glob("*.pem"))) == 1
    assert ToolKey(Settings(data_dir=tmp_path)).jwks() == first  # kept across restarts


def test_an_empty_setting_is_unset_and_a_non_rsa_key_is_refused(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path, lti_private_key="").lti_private_key is None  # type: ignore[arg-type]
    curve = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(ValueError, match="RSA"):
        ToolKey(Settings(data_dir=tmp_path, lti_private_key=SecretStr(_pem(curve))))
