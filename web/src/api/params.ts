/** Path parameters many of the api's operations take, named as its OpenAPI document names them. */

export const inCourse = (courseId: string) => ({ path: { course_id: courseId } });

export const inSession = (sessionId: string) => ({ path: { session_id: sessionId } });
