// Tokens, one-time enrollment codes and their stored hashes. Only hashes reach the database:
// a copy of the database does not let anyone act as a terminal or an administrator.
#pragma once

#include <string>
#include <string_view>

namespace gk::server {

// 32 random bytes as URL-safe base64 without padding (43 characters). High entropy, so an
// unsalted hash is enough to store it.
std::string NewToken();

// BLAKE2b-256 of the token's bytes, as 32 raw bytes (stored as a BLOB).
std::string HashToken(std::string_view token);

// One-time enrollment code: 16 Crockford base32 characters (80 random bits), shown in groups of
// four joined by dashes for typing on a terminal: "7K3M-Q9XD-2HPA-V0RT".
std::string NewEnrollCode();
// What staff typed back: any case, spaces or dashes, O→0, I/L→1. Empty when it cannot be one.
std::string NormaliseEnrollCode(std::string_view typed);

// Constant-time comparison of two equal-length byte strings.
bool SecretEquals(std::string_view a, std::string_view b);

std::string RandomBytes(size_t count);
std::string ToHex(std::string_view bytes);

}  // namespace gk::server
