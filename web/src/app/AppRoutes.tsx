import { Route, Routes } from "react-router";
import { SignInPage } from "../features/auth/components/SignInPage";
import { SignUpPage } from "../features/auth/components/SignUpPage";
import { ClassroomPage } from "../features/classroom/components/ClassroomPage";
import { CoursePage } from "../features/courses/components/CoursePage";
import { CoursesPage } from "../features/courses/components/CoursesPage";
import { InvitePage } from "../features/invites/components/InvitePage";
import { CourseSearchPage } from "../features/replay/components/CourseSearchPage";
import { ReplayPage } from "../features/replay/components/ReplayPage";
import { StudioPage } from "../features/studio/components/StudioPage";
import { AppLayout } from "./AppLayout";
import { GuestOnly } from "./GuestOnly";
import { HomeRedirect } from "./HomeRedirect";
import { NotFoundPage } from "./NotFoundPage";
import { RequireAuth } from "./RequireAuth";

/** Every screen of the app; rendered under a router (browser in the app, memory in tests). */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<HomeRedirect />} />
        <Route element={<GuestOnly />}>
          <Route path="signin" element={<SignInPage />} />
          <Route path="signup" element={<SignUpPage />} />
        </Route>
        <Route element={<RequireAuth />}>
          <Route path="courses" element={<CoursesPage />} />
          <Route path="courses/:courseId" element={<CoursePage />} />
          <Route path="courses/:courseId/search" element={<CourseSearchPage />} />
          <Route path="sessions/:sessionId" element={<ClassroomPage />} />
          <Route path="sessions/:sessionId/studio" element={<StudioPage />} />
          <Route path="sessions/:sessionId/replay" element={<ReplayPage />} />
        </Route>
        {/* Not behind RequireAuth: a signed-out visitor is told what the link is first. */}
        <Route path="invite/:code" element={<InvitePage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
