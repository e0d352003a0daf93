"""The token verifier alone: CPU per request of verifying an access token (RS256, the
claims) against finding it remembered.

    .venv/bin/python bench/commands/verify.py --tokens 2000

Tokens of the local provider (a key made in a temporary folder), each verified once (not
remembered yet: what a request pays when the process has not seen its token, or, before
tokens were kept until their `exp`, had not seen it for 10 s) and then again (remembered).
`time.process_time()` over the calls; the two passes run twice.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from multistream.auth.keys import LocalKeyStore
from multistream.auth.tokens import LocalJwks, TokenVerifier, issue_access_token

ISSUER = PARTY = "http://bench.invalid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = LocalKeyStore(Path(folder))
        for _ in range(2):
            verifier = TokenVerifier(
                LocalJwks(store), issuer=ISSUER, allowed_parties=[PARTY], leeway_seconds=0
            )
            tokens = [
                issue_access_token(
                    store,
                    issuer=ISSUER,
                    subject=uuid.uuid4(),
                    session_id=uuid.uuid4(),
                    authorized_party=PARTY,
                    ttl_seconds=900,
                )
                for _ in range(args.tokens)
            ]
            for name in ("verified (not remembered)", "remembered"):
                cpu = time.process_time()
                for token in tokens:
                    verifier.verify(token)
                per_call = (time.process_time() - cpu) / len(tokens) * 1000
                print(f"{name}: {per_call:.4f} ms CPU per request")


if __name__ == "__main__":
    main()
