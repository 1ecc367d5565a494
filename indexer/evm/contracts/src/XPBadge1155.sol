// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title XPBadge1155
/// @notice A minimal ERC-1155 XP badge emitting HamBaller's variant C events:
/// the token id is the badge type and a player holds a balance of each.
/// Receiver hooks (onERC1155Received) are deliberately not called: the
/// contract only has to produce the events herald indexes, and skipping the
/// hooks lets tests and the devnet move tokens to any address.
contract XPBadge1155 {
    event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value);
    event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values);
    event ApprovalForAll(address indexed account, address indexed operator, bool approved);
    event BadgeMinted(address indexed player, uint256 indexed tokenId, uint256 xpEarned, uint256 season);

    address public immutable minter;
    mapping(uint256 => mapping(address => uint256)) private balances;
    mapping(address => mapping(address => bool)) public isApprovedForAll;

    constructor() {
        minter = msg.sender;
    }

    function balanceOf(address account, uint256 id) external view returns (uint256) {
        return balances[id][account];
    }

    /// @notice Mints `amount` badges of type `id` to `player` for a claim of `xpEarned` XP.
    function mint(address player, uint256 id, uint256 amount, uint256 xpEarned, uint256 season) external {
        require(msg.sender == minter, "XPBadge1155: not minter");
        require(player != address(0), "XPBadge1155: mint to zero address");
        balances[id][player] += amount;
        emit TransferSingle(msg.sender, address(0), player, id, amount);
        emit BadgeMinted(player, id, xpEarned, season);
    }

    /// @notice Mints several badge types at once, without claims (a TransferBatch from the zero address).
    function mintBatch(address to, uint256[] calldata ids, uint256[] calldata amounts) external {
        require(msg.sender == minter, "XPBadge1155: not minter");
        require(to != address(0), "XPBadge1155: mint to zero address");
        require(ids.length == amounts.length, "XPBadge1155: length mismatch");
        for (uint256 i = 0; i < ids.length; i++) {
            balances[ids[i]][to] += amounts[i];
        }
        emit TransferBatch(msg.sender, address(0), to, ids, amounts);
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes calldata) external {
        requireOperator(from);
        require(to != address(0), "XPBadge1155: transfer to zero address");
        move(from, to, id, amount);
        emit TransferSingle(msg.sender, from, to, id, amount);
    }

    function safeBatchTransferFrom(
        address from,
        address to,
        uint256[] calldata ids,
        uint256[] calldata amounts,
        bytes calldata
    ) external {
        requireOperator(from);
        require(to != address(0), "XPBadge1155: transfer to zero address");
        require(ids.length == amounts.length, "XPBadge1155: length mismatch");
        for (uint256 i = 0; i < ids.length; i++) {
            move(from, to, ids[i], amounts[i]);
        }
        emit TransferBatch(msg.sender, from, to, ids, amounts);
    }

    function burn(address from, uint256 id, uint256 amount) external {
        requireOperator(from);
        uint256 balance = balances[id][from];
        require(balance >= amount, "XPBadge1155: insufficient balance");
        balances[id][from] = balance - amount;
        emit TransferSingle(msg.sender, from, address(0), id, amount);
    }

    function requireOperator(address from) private view {
        require(msg.sender == from || isApprovedForAll[from][msg.sender], "XPBadge1155: not owner or approved");
    }

    function move(address from, address to, uint256 id, uint256 amount) private {
        uint256 balance = balances[id][from];
        require(balance >= amount, "XPBadge1155: insufficient balance");
        balances[id][from] = balance - amount;
        balances[id][to] += amount;
    }
}
