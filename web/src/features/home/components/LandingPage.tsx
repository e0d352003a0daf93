import { Captions, type LucideIcon, MessagesSquare, Presentation, Smartphone } from "lucide-react";
import { Link } from "react-router";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { Icon } from "../../../shared/icons/Icon";

const FEATURES: readonly { glyph: LucideIcon; title: string; text: string }[] = [
  {
    glyph: Presentation,
    title: "Teach live from your browser",
    text: "Camera, slides and screen in scenes you switch with one click; bring a student on stage.",
  },
  {
    glyph: MessagesSquare,
    title: "A class that talks back",
    text: "Chat, questions with upvotes, polls and quizzes, raised hands and reactions.",
  },
  {
    glyph: Captions,
    title: "Replays that help revise",
    text: "Every recorded class becomes a replay with chapters, a transcript and search.",
  },
  {
    glyph: Smartphone,
    title: "Students join from anywhere",
    text: "An invite link and a browser — laptop or phone, nothing to install.",
  },
];

/** `/` signed out: what Multistream is, for whom, and the way in. */
export function LandingPage() {
  useDocumentTitle("Live classes, taught from the browser");
  return (
    <div className="page landing">
      <section className="landing__hero" aria-labelledby="landing-title">
        <p className="eyebrow">Multistream</p>
        <h1 id="landing-title">Live classes, taught from the browser</h1>
        <p className="landing__lead">
          For teachers who run their own classes and the students who follow them: go live with slides and camera,
          answer questions as they come, and leave a replay students can search. Self-hosted, on your school's servers.
        </p>
        <div className="actions">
          <Link className="button button--primary button--large" to="/signup">
            Create an account
          </Link>
          <Link className="button button--large" to="/signin">
            Sign in
          </Link>
        </div>
        <p className="muted small">Got an invite link from your teacher? Open it: it takes you to your course.</p>
      </section>
      <ul className="landing__features" aria-label="What you can do">
        {FEATURES.map((feature) => (
          <li key={feature.title} className="card landing__feature">
            <Icon glyph={feature.glyph} className="landing__icon" />
            <h2 className="landing__feature-title">{feature.title}</h2>
            <p className="muted">{feature.text}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
