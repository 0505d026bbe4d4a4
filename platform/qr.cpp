// libqrencode wrapper.
#include "platform/qr.h"

#include <qrencode.h>

#include <memory>
#include <string>

namespace gk {

Result<QrMatrix> EncodeQr(std::string_view text) {
    const std::string copy(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) return Error{"qr", "cannot encode QR code"};
    QrMatrix m;
    m.size = code->width;
    m.dark.resize(static_cast<size_t>(m.size) * m.size);
    for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
    return m;
}

}  // namespace gk
