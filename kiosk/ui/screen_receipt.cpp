// The receipt: the code in large type (groups of four), a QR code of the tracking URL, the
// expected date, who follows it up, and whether it is still on this terminal or received.
#include "core/receipt_code.h"
#include "kiosk/ui/form.h"
#include "kiosk/ui/qr_view.h"
#include "kiosk/ui/screens.h"

namespace gk {

Action DrawReceipt(Ui& ui) {
    Action action;
    const auto& receipt = ui.state.session.receipt;
    if (!receipt) return Action::Of(Action::Kind::kDone);
    const Rect content = DrawChrome(ui, ui.T("receipt.title"), /*show_nav=*/false, action);
    const float pad = ui.px(48);
    const bool stacked = ui.portrait();
    const float qr_side =
        std::min(ui.px(520), stacked ? content.w - 2 * pad : content.h - ui.px(260));
    const Rect qr_r =
        stacked ? Rect{content.x + (content.w - qr_side) * 0.5f, content.y + ui.px(560), qr_side,
                       qr_side}
                : Rect{content.x + content.w - pad - qr_side, content.y + pad, qr_side, qr_side};
    // Without a public URL there is no link a phone could open: no QR, and a plain line that
    // tracking is on this terminal (never a QR of a localhost or demo address).
    if (!ui.state.public_url.empty()) {
        const std::string url = ui.state.public_url + "/t/" + receipt->receipt_code;
        DrawQr(url, qr_r);
        LabelCentered(
            ui, ui.fonts.body, ui.T("receipt.scan"),
            Rect{qr_r.x - ui.px(60), qr_r.y + qr_r.h + ui.px(8), qr_r.w + ui.px(120), ui.px(50)},
            ui.theme.text);
    } else {
        Label(ui, ui.fonts.body, ui.T("receipt.track_here"), ImVec2(qr_r.x, qr_r.y), ui.theme.text,
              qr_r.w);
    }

    const float text_w = stacked ? content.w - 2 * pad : content.w - 3 * pad - qr_side;
    float y = content.y + pad;
    const float x = content.x + pad;
    y += Label(ui, ui.fonts.body, ui.T("receipt.code_label"), ImVec2(x, y), ui.theme.text_muted) +
         ui.px(8);
    // The code: large, on a framed band, readable aloud in groups of four.
    const std::string shown = FormatReceiptCode(receipt->receipt_code);
    const ImVec2 code_size = Measure(ui.fonts.huge, shown);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(
        ImVec2(x, y),
        ImVec2(x + std::min(text_w, code_size.x + ui.px(60)), y + code_size.y + ui.px(40)),
        ui.theme.card, ui.px(12));
    dl->AddRect(ImVec2(x, y),
                ImVec2(x + std::min(text_w, code_size.x + ui.px(60)), y + code_size.y + ui.px(40)),
                ui.theme.primary, ui.px(12), 0, ui.px(3));
    Label(ui, ui.fonts.huge, shown, ImVec2(x + ui.px(30), y + ui.px(20)), ui.theme.text);
    y += code_size.y + ui.px(64);

    // State, in words and with a symbol, not only a colour.
    const bool received = receipt->received;
    const std::string state =
        (received ? "✓ " : "● ") + ui.T(received ? "receipt.received" : "receipt.saved");
    const float sh = Measure(ui.fonts.body, state, text_w - ui.px(32)).y;
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + text_w, y + sh + ui.px(28)),
                      received ? ui.theme.ok_bg : ui.theme.warn_bg, ui.px(10));
    Label(ui, ui.fonts.body, state, ImVec2(x + ui.px(16), y + ui.px(14)),
          received ? ui.theme.ok : ui.theme.warn, text_w - ui.px(32));
    y += sh + ui.px(48);
    if (const Service* service = ui.catalogue.FindService(receipt->service_code)) {
        y += Label(ui, ui.fonts.body, service->name.In(ui.lang_code()), ImVec2(x, y), ui.theme.text,
                   text_w) +
             ui.px(12);
    }
    y += Label(ui, ui.fonts.body,
               Format(ui.T("receipt.expected"),
                      {{"date", FormatDate(receipt->due_at_unix, ui.state.lang)}}),
               ImVec2(x, y), ui.theme.text, text_w) +
         ui.px(12);
    y += Label(ui, ui.fonts.body,
               Format(ui.T("receipt.handler_grid"), {{"grid", ui.state.grid_name}}), ImVec2(x, y),
               ui.theme.text, text_w) +
         ui.px(24);
    Label(ui, ui.fonts.body, ui.T("receipt.keep"), ImVec2(x, y), ui.theme.text_muted, text_w);

    const float bh = ui.px(110), bw = ui.px(360);
    const float by = content.y + content.h - bh - ui.px(32);
    if (Button(ui, "receipt.track", ui.T("receipt.track"), Rect{x, by, bw, bh},
               ButtonKind::kSecondary)) {
        action = Action::WithText(Action::Kind::kTrackCode, receipt->receipt_code);
    }
    if (Button(ui, "receipt.done", ui.T("receipt.done"), Rect{x + bw + ui.px(24), by, bw, bh},
               ButtonKind::kPrimary, true, ui.fonts.title)) {
        action = Action::Of(Action::Kind::kDone);
    }
    return action;
}

}  // namespace gk
