import { useState } from "react";

/** Text a person types under a length limit: what would be sent (trimmed), and whether it is too long. */
export interface LimitedText {
  value: string;
  setValue(value: string): void;
  trimmed: string;
  tooLong: boolean;
}

export function useLimitedText(max: number): LimitedText {
  const [value, setValue] = useState("");
  const trimmed = value.trim();
  return { value, setValue, trimmed, tooLong: trimmed.length > max };
}
