"""Labour contracts: template, generation on approval, PDF, face-verified or witnessed signing,
termination."""

from services.contracts import signing  # noqa: F401
from services.contracts.lifecycle import (  # noqa: F401
    WorkerParty,
    contract_text,
    contracts_of,
    generate_contract,
    get_contract,
    terminate,
)
from services.contracts.signing import sign_contract  # noqa: F401
from services.contracts.witness import sign_by_hand, witness  # noqa: F401
