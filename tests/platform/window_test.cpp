// The window's software path with SDL's dummy video driver: a frame that changes nothing is
// neither drawn nor shown, a change draws only its neighbourhood, and after the window was
// uncovered (or resized) everything is drawn and shown again, since the screen then holds
// nothing we drew.
#include "platform/window.h"

#include <SDL.h>
#include <gtest/gtest.h>
#include <imgui.h>

#include <cstdlib>

namespace gk {
namespace {

class WindowTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ::setenv("SDL_VIDEODRIVER", "dummy", 1);
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = nullptr;
        WindowOptions wo;
        wo.fullscreen = false;
        wo.width = 800;
        wo.height = 600;
        wo.renderer = "software";
        auto st = window_.Init(wo);
        ASSERT_TRUE(st.ok()) << st.error().message;
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        ImGui::GetIO().Fonts->GetTexDataAsAlpha8(&px, &w, &h);  // ImGui's default font
        ASSERT_TRUE(window_.SetFontAtlas(ImGui::GetIO().Fonts));
    }
    void TearDown() override {
        window_.ReleaseFontAtlas();
        window_.Shutdown();
        ImGui::DestroyContext();
    }
    // One frame with a button whose colour is given; returns the pixels Render drew.
    long Frame(ImU32 button) {
        window_.NewFrame(1.0f / 60.0f);
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(800, 600));
        ImGui::Begin("screen", nullptr, ImGuiWindowFlags_NoDecoration);
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(100, 100), ImVec2(200, 150), button, 8);
        ImGui::Text("网格 grid");
        ImGui::End();
        ImGui::Render();
        window_.Render();
        window_.Present();
        return window_.last_damage_pixels();
    }

    Window window_;
};

TEST_F(WindowTest, DrawsOnlyWhatChangedAndEverythingAfterAnExpose) {
    ASSERT_TRUE(window_.software());
    const long screen = 800L * 600;
    Frame(IM_COL32(200, 200, 200, 255));  // ImGui settles its window on the first frames
    Frame(IM_COL32(200, 200, 200, 255));
    EXPECT_EQ(Frame(IM_COL32(200, 200, 200, 255)), 0) << "an unchanged frame was drawn";
    const long pressed = Frame(IM_COL32(150, 150, 150, 255));
    EXPECT_GT(pressed, 0);
    EXPECT_LT(pressed, screen / 10) << "a button's change redrew much of the screen";

    SDL_Event exposed{};
    exposed.type = SDL_WINDOWEVENT;
    exposed.window.event = SDL_WINDOWEVENT_EXPOSED;
    EXPECT_TRUE(window_.ProcessEvent(exposed));
    EXPECT_EQ(Frame(IM_COL32(150, 150, 150, 255)), screen) << "uncovered, but not drawn again";
    EXPECT_EQ(Frame(IM_COL32(150, 150, 150, 255)), 0);

    SDL_Event moved{};
    moved.type = SDL_WINDOWEVENT;
    moved.window.event = SDL_WINDOWEVENT_MOVED;
    EXPECT_FALSE(window_.ProcessEvent(moved));
}

// A screenshot reads what is on the screen: the button's new colour at its centre.
TEST_F(WindowTest, ReadPixelsSeesTheDamagedFrame) {
    Frame(IM_COL32(200, 200, 200, 255));
    Frame(IM_COL32(200, 200, 200, 255));
    Frame(IM_COL32(10, 120, 200, 255));
    std::vector<uint8_t> rgba;
    int w = 0, h = 0;
    ASSERT_TRUE(window_.ReadPixels(rgba, w, h));
    ASSERT_EQ(w, 800);
    const uint8_t* px = &rgba[(125 * 800 + 150) * 4];
    EXPECT_EQ(px[0], 10);
    EXPECT_EQ(px[1], 120);
    EXPECT_EQ(px[2], 200);
}

}  // namespace
}  // namespace gk
