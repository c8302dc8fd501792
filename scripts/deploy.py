"""Deploy the PoCo contracts on the active network (placeholder until the contracts exist)."""

from brownie import accounts, chain


def main():
    print(f"chain id: {chain.id}")
    print(f"{len(accounts)} accounts:")
    for account in accounts:
        print(f"  {account.address}  {account.balance() / 10**18:,.2f} ETH")
    print("no contracts yet: nothing to deploy")
