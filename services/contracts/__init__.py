"""Labour contracts: template, generation on approval, PDF, face-verified signing, termination."""

from services.contracts import signing  # noqa: F401
from services.contracts.lifecycle import (  # noqa: F401
    WorkerParty,
    contract_text,
    contracts_of,
    generate_contract,
    get_contract,
    signature_image,
    terminate,
)
from services.contracts.signing import sign_contract, sign_with_face_check  # noqa: F401
