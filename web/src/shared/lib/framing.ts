// Whether the app runs inside another page's frame (an LMS's LTI iframe, docs/lti.md).
// Reading `top` of a cross-origin parent is allowed, comparing it is too; a browser that
// refuses (sandboxed frames in some engines) throws, and that means framed as well.
export function isFramed(view: { self: unknown; top: unknown } = window): boolean {
  try {
    return view.self !== view.top;
  } catch {
    return true;
  }
}
