"""How brownie shows a custom error revert: "Name: arg1, arg2" (addresses lower-case hex, numbers in decimal,
fixed-size bytes as Python bytes literals). The one matcher of the test suite; fixtures re-export it."""

import brownie

_BYTES32_HEX = 2 + 64


def _arg(value):
    if hasattr(value, "address"):
        value = value.address
    if isinstance(value, bytes | bytearray):
        return repr(bytes(value))  # brownie prints fixed-size bytes as Python bytes (b'...')
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.startswith("0x"):
        if len(value) == _BYTES32_HEX:  # a bytes32 given as hex (hashes, ids) prints as bytes too
            return repr(bytes.fromhex(value[2:]))
        return value.lower()
    return str(value)


def error_message(name, *args):
    """The revert string brownie reports for custom error `name` raised with `args`."""
    return f"{name}: " + ", ".join(_arg(a) for a in args)


def reverts_with(name, *args):
    """`with reverts_with("InsufficientBalance", account, 5, 6):` asserts that exact custom error."""
    return brownie.reverts(error_message(name, *args))
