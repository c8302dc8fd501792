"""The four PoCo orders as Python objects: EIP-712 hashing, signing and the market's matching rules.

One field list per order type (``FIELDS``) defines everything: the dataclass, the EIP-712 type string (whose keccak is
the typehash), the struct hash, the typed-data message and the tuple passed to the contracts (fields in the order of
``interfaces/IexecTypes.sol``, ``sign`` last). SPECIFICATION §3.2-3.7. No brownie import: the scheduler, the worker and the
tests all use this module; brownie accounts are accepted duck-typed (anything with a ``private_key``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak, to_bytes, to_checksum_address

from offchain.protocol.constants import DOMAIN_NAME, DOMAIN_VERSION, TAG_TEE

ZERO_ADDRESS = "0x" + "00" * 20
ZERO_BYTES32 = b"\x00" * 32

# manage*Order operations
SIGN = 0
CLOSE = 1

# Tag bits 1-3 of a dataset order are ignored in the combined demand [v6.2]
DATASET_TAG_MASK = ~0xE & (2**256 - 1)

FIELDS: dict[str, list[tuple[str, str]]] = {
    "AppOrder": [
        ("app", "address"),
        ("appprice", "uint256"),
        ("volume", "uint256"),
        ("tag", "bytes32"),
        ("datasetrestrict", "address"),
        ("workerpoolrestrict", "address"),
        ("requesterrestrict", "address"),
        ("salt", "bytes32"),
    ],
    "DatasetOrder": [
        ("dataset", "address"),
        ("datasetprice", "uint256"),
        ("volume", "uint256"),
        ("tag", "bytes32"),
        ("apprestrict", "address"),
        ("workerpoolrestrict", "address"),
        ("requesterrestrict", "address"),
        ("salt", "bytes32"),
    ],
    "WorkerpoolOrder": [
        ("workerpool", "address"),
        ("workerpoolprice", "uint256"),
        ("volume", "uint256"),
        ("tag", "bytes32"),
        ("category", "uint256"),
        ("trust", "uint256"),
        ("apprestrict", "address"),
        ("datasetrestrict", "address"),
        ("requesterrestrict", "address"),
        ("salt", "bytes32"),
    ],
    "RequestOrder": [
        ("app", "address"),
        ("appmaxprice", "uint256"),
        ("dataset", "address"),
        ("datasetmaxprice", "uint256"),
        ("workerpool", "address"),
        ("workerpoolmaxprice", "uint256"),
        ("requester", "address"),
        ("volume", "uint256"),
        ("tag", "bytes32"),
        ("category", "uint256"),
        ("trust", "uint256"),
        ("beneficiary", "address"),
        ("callback", "address"),
        ("params", "string"),
        ("salt", "bytes32"),
    ],
}

DOMAIN_FIELDS = [
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
]


def type_string(name: str, fields: list[tuple[str, str]]) -> str:
    """EIP-712 encodeType of a struct without nested structs: ``Name(type1 name1,type2 name2,...)``."""
    return f"{name}({','.join(f'{t} {n}' for n, t in fields)})"


def operation_type_string(order_type: str) -> str:
    """``XOrderOperation(XOrder order,uint256 operation)XOrder(...)`` (referenced struct appended, EIP-712)."""
    return f"{order_type}Operation({order_type} order,uint256 operation)" + type_string(
        order_type, FIELDS[order_type]
    )


# ---------------------------------------------------------------------------------------------------------------------
# value normalisation
# ---------------------------------------------------------------------------------------------------------------------


def _address(value: Any) -> str:
    if value is None or (isinstance(value, int) and value == 0):
        return ZERO_ADDRESS
    return to_checksum_address(str(value))  # brownie Account/Contract objects stringify to their address


def _bytes32(value: Any) -> bytes:
    if isinstance(value, int):
        return value.to_bytes(32, "big")
    raw = to_bytes(hexstr=value) if isinstance(value, str) else bytes(value)
    if len(raw) > 32:
        raise ValueError(f"bytes32 value too long: {value!r}")
    return raw.rjust(32, b"\x00") if isinstance(value, str) and len(raw) < 32 else raw.ljust(32, b"\x00")


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    return to_bytes(hexstr=value) if isinstance(value, str) else bytes(value)


def _normalise(kind: str, value: Any) -> Any:
    if kind == "address":
        return _address(value)
    if kind == "uint256":
        return int(value)
    if kind == "bytes32":
        return _bytes32(value)
    if kind == "string":
        return str(value)
    raise ValueError(kind)


def _random_salt() -> bytes:
    return secrets.token_bytes(32)


# ---------------------------------------------------------------------------------------------------------------------
# domain and signing
# ---------------------------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Domain:
    """The EIP-712 domain of the hub (SPECIFICATION §3.3)."""

    chain_id: int
    verifying_contract: str
    name: str = DOMAIN_NAME
    version: str = DOMAIN_VERSION

    @classmethod
    def from_tuple(cls, value) -> Domain:
        """From the hub's ``domain()`` answer ``(name, version, chainId, verifyingContract)``."""
        name, version, chain_id, contract = value
        return cls(chain_id=int(chain_id), verifying_contract=_address(contract), name=name, version=version)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": _address(self.verifying_contract),
        }

    def separator(self) -> bytes:
        return keccak(
            abi_encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "address"],
                [
                    keccak(text=type_string("EIP712Domain", DOMAIN_FIELDS)),
                    keccak(text=self.name),
                    keccak(text=self.version),
                    self.chain_id,
                    _address(self.verifying_contract),
                ],
            )
        )

    def typed_hash(self, struct_hash: bytes) -> bytes:
        return keccak(b"\x19\x01" + self.separator() + struct_hash)


def private_key(signer: Any, password: str | None = None) -> bytes:
    """The 32-byte key of a signer given as an eth-account LocalAccount (``key``), a brownie account
    (``private_key``), raw bytes, a 0x-hex string, or the path of a key file (hex key, or a JSON keystore with
    ``password``)."""
    for attr in ("key", "private_key"):
        if hasattr(signer, attr):
            return _bytes(getattr(signer, attr))
    if isinstance(signer, bytes | bytearray) and len(signer) == 32:
        return bytes(signer)
    if isinstance(signer, str | os.PathLike) and os.path.isfile(signer):
        with open(signer) as handle:
            content = handle.read().strip()
        if content.startswith("{"):
            return bytes(Account.decrypt(json.loads(content), password or ""))
        return _bytes(content if content.startswith("0x") else "0x" + content)
    if isinstance(signer, str):
        return _bytes(signer)
    raise TypeError(f"cannot find a private key in {signer!r}")


def sign_hash(signer: Any, digest: bytes, compact: bool = False, password: str | None = None) -> bytes:
    """Raw ECDSA signature of a 32-byte digest (no prefix): 65 bytes r‖s‖v (v = 27/28), or with ``compact`` the
    64-byte EIP-2098 form r‖vs where the top bit of vs carries v's parity."""
    signed = Account.unsafe_sign_hash(digest, private_key(signer, password))
    r, s, v = signed.r, signed.s, signed.v
    if compact:
        return r.to_bytes(32, "big") + (s | ((v - 27) << 255)).to_bytes(32, "big")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


# ---------------------------------------------------------------------------------------------------------------------
# orders
# ---------------------------------------------------------------------------------------------------------------------


class _Order:
    """Shared behaviour of the four order dataclasses (built from ``FIELDS`` below)."""

    TYPE: ClassVar[str]
    sign: bytes

    @classmethod
    def fields(cls) -> list[tuple[str, str]]:
        return FIELDS[cls.TYPE]

    @classmethod
    def type_string(cls) -> str:
        return type_string(cls.TYPE, cls.fields())

    @classmethod
    def typehash(cls) -> bytes:
        return keccak(text=cls.type_string())

    @classmethod
    def operation_typehash(cls) -> bytes:
        return keccak(text=operation_type_string(cls.TYPE))

    def values(self) -> list:
        """Field values normalised to eth-abi types (addresses checksummed, bytes32 as bytes)."""
        return [_normalise(kind, getattr(self, name)) for name, kind in self.fields()]

    def struct_hash(self) -> bytes:
        types, values = ["bytes32"], [self.typehash()]
        for (_, kind), value in zip(self.fields(), self.values(), strict=True):
            if kind == "string":
                types.append("bytes32")
                values.append(keccak(text=value))
            else:
                types.append(kind)
                values.append(value)
        return keccak(abi_encode(types, values))

    def hash(self, domain: Domain) -> bytes:
        """The order hash used everywhere on chain (presigned, consumed, events, deal id): typed(structHash)."""
        return domain.typed_hash(self.struct_hash())

    def typed_data(self, domain: Domain) -> dict:
        """The full EIP-712 message, for wallets and ``eth_account.messages.encode_typed_data(full_message=...)``."""
        return {
            "types": {
                "EIP712Domain": [{"name": n, "type": t} for n, t in DOMAIN_FIELDS],
                self.TYPE: [{"name": n, "type": t} for n, t in self.fields()],
            },
            "primaryType": self.TYPE,
            "domain": domain.as_dict(),
            "message": {name: value for (name, _), value in zip(self.fields(), self.values(), strict=True)},
        }

    def sign_with(self, signer: Any, domain: Domain, compact: bool = False, password: str | None = None):
        """Sign the order hash (65 bytes, or 64 with ``compact``), store it in ``sign`` and return the order."""
        self.sign = sign_hash(signer, self.hash(domain), compact, password)
        return self

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def as_tuple(self) -> tuple:
        """The struct as a contract argument: fields in IexecTypes.sol order, ``sign`` last, bytes as 0x-hex."""
        out = []
        for (_, kind), value in zip(self.fields(), self.values(), strict=True):
            out.append("0x" + value.hex() if kind == "bytes32" else value)
        out.append("0x" + _bytes(self.sign).hex())
        return tuple(out)

    # ---- manage*Order operations (SIGN = 0 presign, CLOSE = 1) ----

    def operation_hash(self, domain: Domain, operation: int) -> bytes:
        struct = keccak(
            abi_encode(
                ["bytes32", "bytes32", "uint256"], [self.operation_typehash(), self.struct_hash(), operation]
            )
        )
        return domain.typed_hash(struct)

    def operation(
        self, operation: int, domain: Domain | None = None, signer: Any = None, compact: bool = False
    ) -> tuple:
        """The ``XOrderOperation`` tuple for ``manageXOrder``: signed by ``signer`` over the operation hash, or with
        an empty ``sign`` (the owner sends it itself) when no signer is given."""
        sign = b"" if signer is None else sign_hash(signer, self.operation_hash(domain, operation), compact)
        return (self.as_tuple(), operation, "0x" + sign.hex())


def _make_order_class(type_name: str, doc: str):
    defaults = {"address": ZERO_ADDRESS, "uint256": 0, "bytes32": ZERO_BYTES32, "string": ""}
    spec = [(name, Any, dataclasses.field(default=defaults[kind])) for name, kind in FIELDS[type_name]]
    spec.append(("sign", Any, dataclasses.field(default=b"")))
    cls = dataclasses.make_dataclass(
        type_name, spec, bases=(_Order,), namespace={"TYPE": type_name, "__doc__": doc}
    )
    cls.__module__ = __name__
    return cls


AppOrder = _make_order_class("AppOrder", "An app owner's offer to run its app at `appprice` per task.")
DatasetOrder = _make_order_class("DatasetOrder", "A dataset owner's offer at `datasetprice` per task.")
WorkerpoolOrder = _make_order_class("WorkerpoolOrder", "A scheduler's offer of `volume` tasks of `category`.")
RequestOrder = _make_order_class(
    "RequestOrder", "A requester's demand, with maximum prices and restrictions."
)
ORDER_TYPES = {cls.TYPE: cls for cls in (AppOrder, DatasetOrder, WorkerpoolOrder, RequestOrder)}


def empty_dataset_order():
    """The all-zero dataset order with an empty ``sign``: "no dataset" for matchOrders."""
    return DatasetOrder()


class Orders(NamedTuple):
    app: Any
    dataset: Any
    workerpool: Any
    request: Any

    @property
    def has_dataset(self) -> bool:
        return _address(self.dataset.dataset) != ZERO_ADDRESS

    def sign_all(
        self, domain: Domain, app_owner=None, dataset_owner=None, scheduler=None, requester=None, **kw
    ):
        """Sign each order whose signer is given (the dataset order only when there is a dataset)."""
        if app_owner is not None:
            self.app.sign_with(app_owner, domain, **kw)
        if dataset_owner is not None and self.has_dataset:
            self.dataset.sign_with(dataset_owner, domain, **kw)
        if scheduler is not None:
            self.workerpool.sign_with(scheduler, domain, **kw)
        if requester is not None:
            self.request.sign_with(requester, domain, **kw)
        return self

    def as_args(self) -> tuple:
        """The four tuples for matchOrders / sponsorMatchOrders / computeDealVolume."""
        return tuple(order.as_tuple() for order in self)

    def hashes(self, domain: Domain) -> tuple:
        """(appHash, datasetHash or 0, workerpoolHash, requestHash), as in OrdersMatched."""
        dataset_hash = self.dataset.hash(domain) if self.has_dataset else ZERO_BYTES32
        return (self.app.hash(domain), dataset_hash, self.workerpool.hash(domain), self.request.hash(domain))


def build_orders(
    app,
    workerpool,
    requester,
    dataset=None,
    *,
    volume: int = 1,
    app_price: int = 0,
    dataset_price: int = 0,
    workerpool_price: int = 0,
    category: int = 0,
    trust: int = 0,
    tag: Any = 0,
    beneficiary=None,
    callback=None,
    params: str = "",
    apporder: dict | None = None,
    datasetorder: dict | None = None,
    workerpoolorder: dict | None = None,
    requestorder: dict | None = None,
) -> Orders:
    """Four compatible orders with sensible defaults (like PoCo's ``buildOrders``): the same volume, tag, category
    and trust everywhere, request max prices equal to the offered prices, random salts, no restrictions, the
    requester as beneficiary. Without ``dataset`` the dataset order is the all-zero empty order. Per-order dicts
    (``apporder={...}``, ...) override any single field last."""
    tag = _bytes32(tag)
    a = AppOrder(app=_address(app), appprice=app_price, volume=volume, tag=tag, salt=_random_salt())
    if dataset is None:
        d = empty_dataset_order()
    else:
        d = DatasetOrder(
            dataset=_address(dataset), datasetprice=dataset_price, volume=volume, tag=tag, salt=_random_salt()
        )
    w = WorkerpoolOrder(
        workerpool=_address(workerpool),
        workerpoolprice=workerpool_price,
        volume=volume,
        tag=tag,
        category=category,
        trust=trust,
        salt=_random_salt(),
    )
    r = RequestOrder(
        app=_address(app),
        appmaxprice=app_price,
        dataset=_address(dataset),
        datasetmaxprice=dataset_price if dataset is not None else 0,
        workerpool=ZERO_ADDRESS,
        workerpoolmaxprice=workerpool_price,
        requester=_address(requester),
        volume=volume,
        tag=tag,
        category=category,
        trust=trust,
        beneficiary=_address(requester if beneficiary is None else beneficiary),
        callback=_address(callback),
        params=params,
        salt=_random_salt(),
    )
    for order, changes in ((a, apporder), (d, datasetorder), (w, workerpoolorder), (r, requestorder)):
        for key, value in (changes or {}).items():
            if not hasattr(order, key):
                raise AttributeError(f"{order.TYPE} has no field {key!r}")
            setattr(order, key, value)
    return Orders(a, d, w, r)


# ---------------------------------------------------------------------------------------------------------------------
# matching rules (mirror of contracts/core/MatchBase.sol)
# ---------------------------------------------------------------------------------------------------------------------


class Violation(NamedTuple):
    """The first matching rule two orders break: the Solidity custom error's name and arguments."""

    name: str
    args: tuple

    def __str__(self) -> str:
        return f"{self.name}: {', '.join(_format_arg(a) for a in self.args)}"


def _format_arg(value: Any) -> str:
    """As brownie prints custom error arguments: lowercase hex for addresses and bytes, decimal integers."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and value.startswith("0x"):
        return value.lower()
    return str(value)


def combined_tag(app, dataset, request) -> int:
    """Demand = app.tag | (dataset.tag without bits 1-3) | request.tag (SPECIFICATION §3.5, v6.2)."""
    a, d, r = (int.from_bytes(_bytes32(o.tag), "big") for o in (app, dataset, request))
    return a | (d & DATASET_TAG_MASK) | r


def _no_group(restriction: str, account: str) -> bool:
    return False


def is_authorized(restriction, account, is_member: Callable[[str, str], bool] = _no_group) -> bool:
    """0 = open; equal address; else membership of the ERC-734 identity named by the restriction (``is_member``,
    which answers False for an EOA restriction or a reverting identity)."""
    restriction, account = _address(restriction), _address(account)
    if restriction == ZERO_ADDRESS or restriction == account:
        return True
    return bool(is_member(restriction, account))


def check_compatibility(
    app, dataset, workerpool, request, category_count: int, is_member: Callable[[str, str], bool] = _no_group
) -> Violation | None:
    """Steps 1-20 of SPECIFICATION §3.7 in the contract's order (the rules that need no chain state besides the
    category count and group memberships). Returns the first broken rule, or None."""
    if request.category != workerpool.category:
        return Violation("CategoryMismatch", (request.category, workerpool.category))
    if request.category >= category_count:
        return Violation("UnknownCategory", (request.category, category_count))
    if request.trust > workerpool.trust:
        return Violation("TrustTooHigh", (request.trust, workerpool.trust))
    if request.appmaxprice < app.appprice:
        return Violation("AppOverpriced", (request.appmaxprice, app.appprice))
    if request.datasetmaxprice < dataset.datasetprice:
        return Violation("DatasetOverpriced", (request.datasetmaxprice, dataset.datasetprice))
    if request.workerpoolmaxprice < workerpool.workerpoolprice:
        return Violation("WorkerpoolOverpriced", (request.workerpoolmaxprice, workerpool.workerpoolprice))
    demand = combined_tag(app, dataset, request)
    offer = int.from_bytes(_bytes32(workerpool.tag), "big")
    if demand & ~offer:
        return Violation("TagNotOffered", (_bytes32(demand), _bytes32(offer)))
    app_tag = int.from_bytes(_bytes32(app.tag), "big")
    if (demand ^ app_tag) & TAG_TEE:
        return Violation("TeeTagMismatch", (_bytes32(demand), _bytes32(app_tag)))
    a, d, w, r = (_address(x) for x in (app.app, dataset.dataset, workerpool.workerpool, request.requester))
    if _address(request.app) != a:
        return Violation("AppMismatch", (_address(request.app), a))
    if _address(request.dataset) != d:
        return Violation("DatasetMismatch", (_address(request.dataset), d))
    restrictions = [
        ("WorkerpoolRestrictedByRequest", request.workerpool, w),
        ("DatasetRestrictedByApp", app.datasetrestrict, d),
        ("WorkerpoolRestrictedByApp", app.workerpoolrestrict, w),
        ("RequesterRestrictedByApp", app.requesterrestrict, r),
        ("AppRestrictedByDataset", dataset.apprestrict, a),
        ("WorkerpoolRestrictedByDataset", dataset.workerpoolrestrict, w),
        ("RequesterRestrictedByDataset", dataset.requesterrestrict, r),
        ("AppRestrictedByWorkerpool", workerpool.apprestrict, a),
        ("DatasetRestrictedByWorkerpool", workerpool.datasetrestrict, d),
        ("RequesterRestrictedByWorkerpool", workerpool.requesterrestrict, r),
    ]
    for name, restriction, account in restrictions:
        if not is_authorized(restriction, account, is_member):
            return Violation(name, (_address(restriction), account))
    return None


def deal_volume(
    app,
    dataset,
    workerpool,
    request,
    consumed_app: int = 0,
    consumed_dataset: int = 0,
    consumed_workerpool: int = 0,
    consumed_request: int = 0,
) -> int:
    """Step 25: the smallest remaining volume (the dataset order counts only when it names a dataset)."""
    left = [
        app.volume - consumed_app,
        workerpool.volume - consumed_workerpool,
        request.volume - consumed_request,
    ]
    if _address(dataset.dataset) != ZERO_ADDRESS:
        left.append(dataset.volume - consumed_dataset)
    return max(0, min(left))


def deal_price(app, dataset, workerpool) -> int:
    """Price of one task, locked from the sponsor per task: app + dataset (0 without dataset) + workerpool."""
    dataset_price = dataset.datasetprice if _address(dataset.dataset) != ZERO_ADDRESS else 0
    return app.appprice + dataset_price + workerpool.workerpoolprice
