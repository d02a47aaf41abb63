import type { Ctx } from '../../context.js';
import { addDays, bizDate } from '../../platform/time.js';
import { createCourse, createLesson, createModule, saveProgress, setCourseStatus, setQuiz } from './courses.service.js';
import { createCohort, createMeeting, enrol, recordAttendance } from './cohorts.service.js';

const LESSONS: { module: string; lessons: { title: string; body: string; minutes: number }[] }[] = [
  {
    module: '开播前的准备',
    lessons: [
      {
        title: '一部手机开直播：设备与场地', minutes: 8,
        body: '一部手机、一个支架、一盏补光灯就能开播。\n\n在田间地头开播，背对太阳、面向光线；在屋里开播，把货品摆在镜头看得清的地方。\n\n开播前检查网络：到直播点用手机测一次上传速度，信号差就换位置或用随身 Wi-Fi。',
      },
      {
        title: '平台规则与不能说的话', minutes: 6,
        body: '不说“最好”“第一”“国家级”等绝对化用语，不说能治病。\n\n讲清楚产地、规格、重量、发货时间。生鲜写明坏果包赔的规则，不承诺做不到的事。\n\n直播间的价格以小黄车里的价格为准，不在评论区私下交易。',
      },
    ],
  },
  {
    module: '讲好农产品',
    lessons: [
      {
        title: '把产地讲给城里人听', minutes: 10,
        body: '买家看不见山、看不见地，主播就是他们的眼睛。\n\n带镜头走一遍：蓝莓园的土、木耳段、采摘的人。讲清楚“为什么是这里”：气候、水、几代人的手艺。\n\n每讲一样东西，都拿在手里给镜头看：切开、掰开、称重。',
      },
      {
        title: '下单以后：发货与售后', minutes: 7,
        body: '订单下来以后，供货方在订单表里打单发货；主播要知道每样货几天能发。\n\n买家说坏了，先看照片，按规则 48 小时内处理。一次认真的售后，比十次吆喝更能留住回头客。',
      },
    ],
  },
];

/**
 * The demo county's training (`npm start` only): a published course with text lessons and a
 * quiz, an open cohort taught by the demo host with one class held and one to come, and the
 * demo trainee enrolled, checked in once and one lesson done, so the trainee's pages, the
 * instructor's roster and the certification queue all have something to show. Goes through
 * the services, as the console would.
 */
export async function seedDemoTraining(admin: Ctx, trainee: Ctx, input: { countyCode: string; instructorUserId: string; townshipCode: string }) {
  const today = bizDate();
  const course = await createCourse(admin, {
    countyCode: input.countyCode, title: '农民主播入门（演示）',
    description: '免费公益课程：从一部手机开播，到讲好家乡的农产品。结业后可申请加入县主播矩阵。',
    rules: { minAttendancePct: 50, allLessons: true, quizzesPassed: true, minReviewedPractice: 1 },
  });
  const lessonIds: string[] = [];
  for (const m of LESSONS) {
    const mod = await createModule(admin, course.id, { title: m.module });
    for (const l of m.lessons) {
      lessonIds.push((await createLesson(admin, mod.id, { kind: 'text', title: l.title, body: l.body, durationSeconds: l.minutes * 60 })).id);
    }
  }
  const quizModule = await createModule(admin, course.id, { title: '结业小测' });
  const quiz = await createLesson(admin, quizModule.id, { kind: 'quiz', title: '规则小测' });
  await setQuiz(admin, quiz.id, {
    passPct: 60,
    questions: [
      { prompt: '直播中可以说自家蓝莓“全国第一”吗？', options: ['可以，说得越响越好', '不可以，这是绝对化用语'], correct: [1] },
      { prompt: '买家说收到的蓝莓坏了，应该怎么做？', options: ['请买家拍照，按规则及时处理', '不理会', '在评论区和买家争论'], correct: [0] },
      { prompt: '讲产品时哪些做法是对的？', options: ['说清产地和规格', '拿在手里给镜头看', '承诺能治病'], correct: [0, 1] },
    ],
  });
  await setCourseStatus(admin, course.id, 'published');

  const cohort = await createCohort(admin, {
    courseId: course.id, name: '第一期农民主播培训班', startsOn: addDays(today, -7), endsOn: addDays(today, 45), placeKind: 'township_hall',
    placeTownshipCode: input.townshipCode, placeDetail: '镇政府二楼会议室', capacity: 30, instructorUserId: input.instructorUserId,
  });
  const at = (days: number, hourUtc: number) => {
    const d = new Date(`${addDays(today, days)}T00:00:00.000Z`);
    d.setUTCHours(hourUtc);
    return d.toISOString();
  };
  const held = await createMeeting(admin, cohort.id, { title: '第一课：设备与场地', startsAt: at(-3, 6), endsAt: at(-3, 8) }); // 14:00 Beijing
  await createMeeting(admin, cohort.id, { title: '第二课：在蓝莓园里试播', startsAt: at(4, 6), endsAt: at(4, 8) });

  await enrol(trainee, cohort.id, { name: trainee.actor!.name, gender: 'female', birthYear: Number(today.slice(0, 4)) - 38, townshipCode: input.townshipCode });
  await recordAttendance(admin, held.id, { userId: trainee.actor!.userId });
  await saveProgress(trainee, lessonIds[0]!, { positionSeconds: 0, completed: true });
  return { courseId: course.id, cohortId: cohort.id };
}
