package dev.kerf.retargeter.jvm;

/**
 * A permission the replay's sandbox refused to the program, in words: what the program tried
 * ({@code write the file /tmp/x}), where, and the Java permission itself, as the child reported it.
 */
record Refusal(String permissionClass, String name, String actions, String where) {
    /** {@code the program tried to write the file /tmp/x at Evil.main([Ljava/lang/String;)V @12 (java.io.FilePermission "/tmp/x" "write")}. */
    String sentence() {
        return "the program tried to " + what() + (where.isEmpty() ? "" : " at " + where) + " (" + permissionClass + " \"" + name + "\""
                + (actions.isEmpty() ? "" : " \"" + actions + "\"") + ")";
    }

    String what() {
        switch (permissionClass) {
            case "java.io.FilePermission" -> {
                if (actions.contains("execute")) return "run the program " + name;
                if (actions.contains("write")) return "write the file " + name;
                if (actions.contains("delete")) return "delete the file " + name;
                return "read the file " + name;
            }
            case "java.net.SocketPermission" -> {
                if (actions.contains("connect")) return "connect to " + name;
                if (actions.contains("listen") || actions.contains("accept")) return "accept network connections on " + name;
                return "look up the host " + name;
            }
            case "java.util.PropertyPermission" -> {
                return (actions.contains("write") ? "set" : "read") + " the system property " + name;
            }
            case "java.lang.reflect.ReflectPermission" -> {
                return name.equals("suppressAccessChecks") ? "bypass Java's access checks by reflection (setAccessible)" : "use reflection (" + name + ")";
            }
            case "java.lang.RuntimePermission" -> {
                return runtime();
            }
            default -> {
                return "use " + permissionClass;
            }
        }
    }

    private String runtime() {
        if (name.startsWith("exitVM")) return "exit the JVM (System.exit" + (name.startsWith("exitVM.") ? "(" + name.substring(7) + ")" : "") + ")";
        if (name.equals("kerf.System.out") || name.equals("kerf.System.err")) {
            return "write to " + name.substring(5) + " (minijvm has none: a program's output goes through kerf.Sys)";
        }
        if (name.equals("kerf.System.in")) return "read System.in (minijvm has none: a program's input comes through kerf.Sys)";
        if (name.startsWith("getenv.")) return "read the environment variable " + name.substring(7);
        if (name.startsWith("loadLibrary.")) return "load the native library " + name.substring(12);
        if (name.startsWith("accessClassInPackage.")) return "use the JDK-internal package " + name.substring(21);
        return switch (name) {
            case "modifyThread" -> "change a thread (minijvm has one thread)";
            case "modifyThreadGroup" -> "start a thread or change a thread group (minijvm has one thread)";
            case "createClassLoader" -> "create a class loader";
            case "getClassLoader" -> "reach a class loader other than its own";
            case "setContextClassLoader" -> "change a thread's context class loader";
            case "accessDeclaredMembers" -> "reflect on the members of a class that is not its own";
            case "getProtectionDomain" -> "read a class's protection domain";
            case "setSecurityManager", "createSecurityManager" -> "replace the security manager";
            case "setIO" -> "replace System.in, out or err";
            case "writeFileDescriptor" -> "write to a file descriptor";
            case "readFileDescriptor" -> "read from a file descriptor";
            case "shutdownHooks" -> "register a shutdown hook";
            case "getStackTrace" -> "read another thread's stack";
            case "setFactory" -> "install a socket or URL factory";
            case "manageProcess" -> "manage processes";
            default -> "use the permission " + name;
        };
    }
}
