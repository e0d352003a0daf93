import { type FormEvent, useState } from "react";
import type { Invite, InviteCreate, InviteRoleName } from "../../../api/types";
import { Field } from "../../../shared/components/Field";
import { SubmissionForm } from "../../../shared/components/SubmissionForm";
import { SubmitButton } from "../../../shared/components/SubmitButton";
import { TextField } from "../../../shared/components/TextField";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { EXPIRY_CHOICES, parseMaxUses } from "../lib/describe-invite";

type InviteField = "role" | "expires_in_hours" | "max_uses";
const INVITE_FIELDS: readonly InviteField[] = ["role", "expires_in_hours", "max_uses"];

interface CreateInviteFormProps {
  onCreate(draft: InviteCreate): Promise<Invite>;
}

export function CreateInviteForm({ onCreate }: CreateInviteFormProps) {
  const form = useFormSubmission(INVITE_FIELDS);
  const [role, setRole] = useState<InviteRoleName>("student");
  const [expiryIndex, setExpiryIndex] = useState(2);
  const [maxUses, setMaxUses] = useState("");

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const uses = parseMaxUses(maxUses);
    if ("error" in uses) {
      form.showErrors({ fields: { max_uses: uses.error }, form: null });
      return;
    }
    const expiry = EXPIRY_CHOICES[expiryIndex] ?? EXPIRY_CHOICES[0];
    await form.submit(async () => {
      await onCreate({ role, expires_in_hours: expiry?.hours ?? null, max_uses: uses.value });
      setMaxUses("");
    });
  }

  return (
    <SubmissionForm form={form} onSubmit={onSubmit}>
      <fieldset className="fieldset">
        <legend className="field__label">Invite as</legend>
        <div className="segmented">
          {(["student", "ta"] as const).map((option) => (
            <label key={option} className="segmented__option">
              <input
                type="radio"
                name="invite-role"
                value={option}
                checked={role === option}
                onChange={() => setRole(option)}
              />
              <span>{option === "ta" ? "Teaching assistant" : "Student"}</span>
            </label>
          ))}
        </div>
        {form.fieldErrors.role ? <p className="field__error">{form.fieldErrors.role}</p> : null}
      </fieldset>
      <div className="form-row">
        <Field label="Link expires" error={form.fieldErrors.expires_in_hours}>
          {(control) => (
            <select
              {...control}
              className="input select"
              value={expiryIndex}
              onChange={(event) => setExpiryIndex(Number(event.target.value))}
            >
              {EXPIRY_CHOICES.map((choice, index) => (
                <option key={choice.label} value={index}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          form={form}
          name="max_uses"
          label="Maximum uses"
          hint="Empty for no limit."
          type="text"
          inputMode="numeric"
          value={maxUses}
          onChange={setMaxUses}
        />
      </div>
      <SubmitButton submitting={form.submitting} busyLabel="Creating link…">
        Create {role === "ta" ? "TA" : "student"} invite link
      </SubmitButton>
    </SubmissionForm>
  );
}
