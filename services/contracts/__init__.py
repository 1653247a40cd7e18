"""Labour contracts and 用工书面协议: a template per project, generation on approval, two-party signing, PDF,
变更协议, termination.

- model_text.py: the built-in texts and the clauses 《劳动合同法》第十七条 requires (which rule each part follows)
- templates.py: the project's template and ``validate_template`` (every template rule in one place)
- lifecycle.py: the parties, the kind of agreement (retirement.py: the official 2024 retirement schedule), generation,
  reads, the content hash, termination
- signing.py: the worker's signature (handwritten + face check); witness.py: the non-face way (a witness); parties.py: the employer's signatory, one or a batch;
  status.py: unsigned → worker_signed / employer_signed → signed, the seal
- amendments.py: 变更协议; hazards.py: the trade's occupational hazards; pdf.py; demo.py
- issued.py: the sealed contract's PDF kept as issued in the object store
"""

from services.contracts import issued, signing  # noqa: F401  (their hooks register on import)
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
from services.contracts.witness import sign_by_hand, witness  # noqa: F401
