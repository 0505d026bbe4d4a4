// Receipt codes (DESIGN.md §3.4): made on the terminal, valid before upload, unique across all
// terminals by construction, unguessable, Crockford base32, 16 characters, the last one a
// check character.
//
// Layout of the 75 data bits (15 characters), most significant first:
//   terminal number  20 bits   assigned at enrollment; 0 is the server's own channel
//   counter          25 bits   per terminal, never reused (33 million requests per terminal)
//   tag              30 bits   keyed BLAKE2b of (terminal, counter) with the terminal's secret
// (terminal, counter) makes codes unique by construction; the tag makes them unguessable.
// The 16th character is a check symbol over GF(32) that catches every single wrong character
// and every swap of two neighbours.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace gk {

constexpr int kReceiptCodeLength = 16;  // characters, without separators
constexpr uint32_t kMaxTerminalNumber = (1u << 20) - 1;
constexpr uint32_t kMaxReceiptCounter = (1u << 25) - 1;
constexpr size_t kReceiptSecretBytes = 32;

using ReceiptSecret = std::array<uint8_t, kReceiptSecretBytes>;

// Makes the code for (terminal_number, counter). Fails only for out-of-range inputs.
Result<std::string> MakeReceiptCode(uint32_t terminal_number, uint32_t counter,
                                    const ReceiptSecret& secret);

// Accepts what a resident typed or a scanner sent: any case, spaces, dashes, O→0, I/L→1, or
// a full tracking URL (".../t/CODE"). Returns the canonical 16-character code, or an Error
// with code "empty", "bad_char", "bad_length" or "bad_check" (check character wrong).
Result<std::string> NormaliseReceiptCode(std::string_view typed);

// True when the check character matches (input must already be canonical).
bool ReceiptCheckOk(std::string_view canonical);

// "ABCD EFGH JKMN PQRS": groups of four for reading aloud.
std::string FormatReceiptCode(std::string_view canonical);

struct ReceiptParts {
    uint32_t terminal_number;
    uint32_t counter;
};
// Terminal and counter from a canonical code (no secret needed; the tag is not checked).
std::optional<ReceiptParts> DecodeReceiptCode(std::string_view canonical);

// True when the code's tag matches this secret (the terminal can verify its own codes).
bool ReceiptTagOk(std::string_view canonical, const ReceiptSecret& secret);

}  // namespace gk
