import { configure } from "@testing-library/dom";

// `findBy…` and `waitFor` wait for what a component shows after its requests answer. Their
// default of 1 s is a guess about the machine, not about the product: on a loaded CI
// machine a page that renders correctly took 1.07 s. Five seconds keeps a real failure a
// failure (it still times out) without failing a slow run.
configure({ asyncUtilTimeout: 5000 });
