/** An iCalendar (.ics) file for one class, for "Add to calendar". Pure (RFC 5545). */
import type { Session } from "../../../api/types";

/** 20261206T133000Z */
function icsTime(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Text values escape \ ; , and newlines. */
function icsText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Lines longer than 75 octets fold: CRLF and a space (counted in characters here: close enough for titles). */
function fold(line: string): string {
  const parts: string[] = [];
  for (let start = 0; start < line.length; start += 73) parts.push(line.slice(start, start + 73));
  return parts.join("\r\n ");
}

export function classIcs(session: Session, courseTitle: string, classUrl: string, now: Date = new Date()): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Multistream//Classes//EN",
    "CALSCALE:GREGORIAN",
    "BEGIN:VEVENT",
    `UID:${session.id}@multistream`,
    `DTSTAMP:${icsTime(now.toISOString())}`,
    `DTSTART:${icsTime(session.scheduled_start)}`,
    `DTEND:${icsTime(session.scheduled_end)}`,
    `SUMMARY:${icsText(`${session.title} · ${courseTitle}`)}`,
    `DESCRIPTION:${icsText(`Live class on Multistream: ${classUrl}`)}`,
    `URL:${classUrl}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

/** A link's href carrying the file itself: nothing to fetch. */
export function icsHref(ics: string): string {
  return `data:text/calendar;charset=utf-8,${encodeURIComponent(ics)}`;
}

export function icsFilename(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  return `${slug || "class"}.ics`;
}
