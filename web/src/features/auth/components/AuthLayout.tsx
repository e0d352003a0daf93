import type { ReactNode } from "react";

interface AuthLayoutProps {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  footer: ReactNode;
}

/** The centred card the sign-in and sign-up forms sit in. */
export function AuthLayout({ title, intro, children, footer }: AuthLayoutProps) {
  return (
    <div className="auth-layout">
      <section className="card auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {intro ? <div className="auth-card__intro">{intro}</div> : null}
        {children}
        <div className="auth-card__footer">{footer}</div>
      </section>
    </div>
  );
}
