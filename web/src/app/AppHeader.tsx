import { Link, NavLink } from "react-router";
import { useAuth } from "../auth/useAuth";

export function AppHeader() {
  const { user, signOut } = useAuth();
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true" />
          Multistream
        </Link>
        {user ? (
          <nav className="app-header__nav" aria-label="Main">
            <NavLink to="/" end>
              Home
            </NavLink>
            <NavLink to="/courses">Courses</NavLink>
          </nav>
        ) : null}
        <div className="app-header__account">
          {user ? (
            <>
              <span className="app-header__user" title={user.email ?? undefined}>
                <span className="visually-hidden">Signed in as </span>
                {user.display_name}
              </span>
              <button type="button" className="button button--small" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : null}
        </div>
      </div>
    </header>
  );
}
