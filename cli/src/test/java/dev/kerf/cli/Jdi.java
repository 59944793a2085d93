package dev.kerf.cli;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDisconnectEvent;

import java.io.IOException;
import java.util.Map;

/** A debugger for tests: attaches to a JVM waiting under JDWP, as a developer's IDE would. */
final class Jdi {
    private Jdi() {}

    /** Attaches to localhost:{@code port}, retrying while the JVM is still starting. */
    static VirtualMachine attach(int port, long timeoutMillis) throws Exception {
        AttachingConnector socket = null;
        for (AttachingConnector c : Bootstrap.virtualMachineManager().attachingConnectors()) {
            if (c.name().equals("com.sun.jdi.SocketAttach")) socket = c;
        }
        if (socket == null) throw new IllegalStateException("no JDI socket connector");
        Map<String, Connector.Argument> args = socket.defaultArguments();
        args.get("hostname").setValue("localhost");
        args.get("port").setValue(Integer.toString(port));
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            try {
                return socket.attach(args);
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) throw e;
                Thread.sleep(100);
            }
        }
    }

    /** Resumes every event set until the JVM goes away; the name of the first class prepared (or null). */
    static String untilDisconnected(VirtualMachine vm) throws InterruptedException {
        String prepared = null;
        while (true) {
            EventSet set = vm.eventQueue().remove(120_000);
            if (set == null) throw new IllegalStateException("the debugged JVM went quiet");
            for (Event e : set) {
                if (e instanceof ClassPrepareEvent p && prepared == null) prepared = p.referenceType().name();
                if (e instanceof VMDisconnectEvent) return prepared;
            }
            set.resume();
        }
    }
}
