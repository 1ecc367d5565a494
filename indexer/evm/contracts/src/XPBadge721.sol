// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title XPBadge721
/// @notice A minimal ERC-721 XP badge emitting HamBaller's variant A events.
/// It exists so herald's devnet and tests index logs from real bytecode; it
/// implements ownership, approval and burning, but not the full ERC-721
/// interface (no safeTransferFrom receiver checks, no metadata).
contract XPBadge721 {
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event BadgeMinted(address indexed to, uint256 indexed tokenId, uint256 xpEarned, uint256 season, uint256 runId);

    address public immutable minter;
    uint256 public nextTokenId = 1;
    mapping(address => uint256) public balanceOf;
    mapping(uint256 => address) public getApproved;
    mapping(uint256 => address) private owners;

    constructor() {
        minter = msg.sender;
    }

    /// @notice Mints the next badge (ids are sequential from 1) to `to`.
    function mint(address to, uint256 xpEarned, uint256 season, uint256 runId) external returns (uint256 tokenId) {
        require(msg.sender == minter, "XPBadge721: not minter");
        require(to != address(0), "XPBadge721: mint to zero address");
        tokenId = nextTokenId++;
        owners[tokenId] = to;
        balanceOf[to] += 1;
        emit Transfer(address(0), to, tokenId);
        emit BadgeMinted(to, tokenId, xpEarned, season, runId);
    }

    function ownerOf(uint256 tokenId) public view returns (address owner) {
        owner = owners[tokenId];
        require(owner != address(0), "XPBadge721: no such token");
    }

    function approve(address approved, uint256 tokenId) external {
        address owner = ownerOf(tokenId);
        require(msg.sender == owner, "XPBadge721: not owner");
        getApproved[tokenId] = approved;
        emit Approval(owner, approved, tokenId);
    }

    function transferFrom(address from, address to, uint256 tokenId) external {
        address owner = ownerOf(tokenId);
        require(owner == from, "XPBadge721: from is not owner");
        require(msg.sender == owner || msg.sender == getApproved[tokenId], "XPBadge721: not owner or approved");
        require(to != address(0), "XPBadge721: transfer to zero address");
        delete getApproved[tokenId];
        owners[tokenId] = to;
        balanceOf[from] -= 1;
        balanceOf[to] += 1;
        emit Transfer(from, to, tokenId);
    }

    function burn(uint256 tokenId) external {
        address owner = ownerOf(tokenId);
        require(msg.sender == owner || msg.sender == getApproved[tokenId], "XPBadge721: not owner or approved");
        delete getApproved[tokenId];
        delete owners[tokenId];
        balanceOf[owner] -= 1;
        emit Transfer(owner, address(0), tokenId);
    }
}
