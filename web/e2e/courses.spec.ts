/**
 * A teacher creates a course and invites a student; the student joins from the link
 * and sees the course without any staff controls.
 */
import { expect, test } from "./test";
import { escapeRegExp, fillSignUp, newPage, runId } from "./support";

test("a teacher invites a student, who joins and sees the course without staff controls", async ({
  browser,
}) => {
  const courseTitle = `Photosynthesis ${runId}`;
  const teacherName = `Ada Teacher ${runId}`;
  const studentName = `Grace Student ${runId}`;

  // --- The teacher signs up and creates a course -----------------------------------
  const teacher = await newPage(browser, { permissions: ["clipboard-read", "clipboard-write"] });
  await teacher.goto("/signup");
  await fillSignUp(teacher, teacherName, `teacher-${runId}@example.com`);
  await expect(teacher).toHaveURL(/\/courses$/);
  await expect(teacher.getByRole("heading", { level: 1, name: "Your courses" })).toBeVisible();

  await teacher.getByLabel("Title").fill(courseTitle);
  await teacher.getByLabel("Description (optional)").fill("Light reactions and the Calvin cycle.");
  await teacher.getByRole("button", { name: "Create course" }).click();

  await expect(teacher.getByRole("heading", { level: 1, name: courseTitle })).toBeVisible();
  await expect(teacher).toHaveURL(/\/courses\/[^/]+$/);
  const coursePath = new URL(teacher.url()).pathname;
  await expect(teacher.getByRole("table")).toContainText(teacherName);

  // --- The teacher creates a student invite and copies its link ---------------------
  await teacher.getByRole("radio", { name: "Student" }).check();
  await teacher.getByRole("button", { name: "Create student invite link" }).click();
  const linkField = teacher.getByRole("textbox", { name: "Student invite link" }).first();
  await expect(linkField).toHaveValue(/\/invite\/[^/]+$/);
  await teacher.getByRole("button", { name: "Copy link" }).first().click();
  // Read from the page, not the clipboard: the page is what the teacher sees and shares.
  await expect(teacher.getByText(/Link copied to the clipboard|Press Ctrl\+C/)).toBeVisible();
  const inviteLink = await linkField.inputValue();
  expect(new URL(inviteLink).origin).toBe(new URL(teacher.url()).origin);

  // --- A student opens the link on a phone-sized screen, signs up and joins ----------
  const student = await newPage(browser, { viewport: { width: 360, height: 800 } });
  await student.goto(inviteLink);
  await expect(student.getByRole("heading", { name: "You're invited to a course" })).toBeVisible();
  await student.getByRole("link", { name: "Create an account" }).click();
  await fillSignUp(student, studentName, `student-${runId}@example.com`);

  await expect(student).toHaveURL(new URL(inviteLink).pathname);
  await expect(student.getByRole("heading", { level: 1, name: courseTitle })).toBeVisible();
  await expect(student.getByText("You've been invited to join this course as a student.")).toBeVisible();
  await student.getByRole("button", { name: "Join course" }).click();

  // --- The student sees the course, and nothing a student cannot use -----------------
  await expect(student).toHaveURL(new RegExp(`${escapeRegExp(coursePath)}$`));
  await expect(student.getByRole("heading", { level: 1, name: courseTitle })).toBeVisible();
  await expect(student.getByText("Light reactions and the Calvin cycle.")).toBeVisible();
  await expect(student.getByRole("heading", { name: "Sessions" })).toBeVisible();
  await expect(student.getByText("Student", { exact: true })).toBeVisible();

  await expect(student.getByRole("table")).toHaveCount(0);
  await expect(student.getByRole("heading", { name: /^Members/ })).toHaveCount(0);
  await expect(student.getByRole("heading", { name: "Invite people" })).toHaveCount(0);
  await expect(student.getByRole("button", { name: /invite link/i })).toHaveCount(0);
  await expect(student.getByRole("combobox")).toHaveCount(0);
  await expect(student.getByRole("button", { name: /archive/i })).toHaveCount(0);

  await student.getByRole("link", { name: "Your courses" }).click();
  const learning = student.getByRole("region", { name: /^Learning/ });
  await expect(learning.getByRole("link", { name: new RegExp(escapeRegExp(courseTitle)) })).toBeVisible();

  // --- The teacher sees the new student among the members ----------------------------
  await teacher.reload();
  await expect(teacher.getByRole("table")).toContainText(studentName);
});
