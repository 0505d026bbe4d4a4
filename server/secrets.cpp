// Tokens and codes from libsodium's CSPRNG; hashes with BLAKE2b (crypto_generichash).
#include "server/secrets.h"

#include <sodium.h>

#include <cctype>

namespace gk::server {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void EnsureSodium() {
    static const bool ready = sodium_init() >= 0;
    (void)ready;
}

}  // namespace

std::string RandomBytes(size_t count) {
    EnsureSodium();
    std::string out(count, '\0');
    randombytes_buf(out.data(), out.size());
    return out;
}

std::string NewToken() {
    const std::string raw = RandomBytes(32);
    const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_ENCODED_LEN(raw.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                      raw.size(), variant);
    out.resize(out.find('\0'));
    return out;
}

std::string HashToken(std::string_view token) {
    EnsureSodium();
    std::string out(crypto_generichash_BYTES, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                       0);
    return out;
}

std::string NewEnrollCode() {
    const std::string raw = RandomBytes(16);
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i > 0 && i % 4 == 0) out += '-';
        out += kCrockford[static_cast<unsigned char>(raw[i]) % 32];
    }
    return out;
}

std::string NormaliseEnrollCode(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (u == 'O') u = '0';
        if (u == 'I' || u == 'L') u = '1';
        if (kCrockford.find(u) == std::string_view::npos) return {};
        out += u;
    }
    return out.size() == 16 ? out : std::string();
}

bool SecretEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string ToHex(std::string_view bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                   bytes.size());
    out.pop_back();
    return out;
}

}  // namespace gk::server
