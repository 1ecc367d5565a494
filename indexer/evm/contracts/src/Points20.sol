// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Points20
/// @notice A tiny ERC-20 token. Its Transfer shares topic0 with ERC-721's but
/// has three topics, which herald must skip rather than decode as a badge.
contract Points20 {
    event Transfer(address indexed from, address indexed to, uint256 value);

    address public immutable minter;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    constructor() {
        minter = msg.sender;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter, "Points20: not minter");
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        uint256 balance = balanceOf[msg.sender];
        require(balance >= amount, "Points20: insufficient balance");
        balanceOf[msg.sender] = balance - amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }
}
