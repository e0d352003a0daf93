import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { AppRoutes } from "./app/AppRoutes";
import { AuthRoot } from "./auth/AuthRoot";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <AuthRoot>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </AuthRoot>
  </StrictMode>,
);
